"""Loopback stand-ins for what the bot talks to: Discord, the summarizer and a news site.

The bot's tests (tests/bot) and its load benchmarks (bench/bot_load.py, bench/bot_shards.py)
run the real bot against these; the bot itself never imports this package.

    fakediscord   enough of Discord's REST API and gateway for the real discord.py client
    fakeservice   a deterministic `DigestService` (known digests and answers, optional CPU load)
    digests       builders of small digests with known shapes
    newssite      a fictional news site (fixtures/: one feed and its pages) on 127.0.0.1
    postgres      a throwaway PostgreSQL cluster (initdb, pg_ctl) for the two-engine tests
    processes     the loopback Discord and the bots each in an OS process (sharded runs, kills)
"""
