"""`rocky-bot web`: public pages (leaderboards, the content catalogue) and the admins' dashboard.

Its own process on the bot's database. Routes are thin: the rules live in bot/domain, the SQL in
bot/db, and what Discord says about a member comes from Discord (the bot token's REST API).
"""
