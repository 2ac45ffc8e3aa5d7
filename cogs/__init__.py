"""One cog per feature; bot.core.bot.EXTENSIONS lists them."""
