"""The local sandbox: the emulator with a demo server, the real bot against it, and a console.

`rocky-bot sandbox` (and `rocky-bot run` without a token, on a terminal) lands in `main.run`.
The console language is parsed in `language`, drawn by `render`, executed by `session`; `console`
is the interactive prompt and `script` the non-interactive runner. Production never imports this.
"""
