"""The market map: what a case's messages say about the trade behind them.

Each module is one pass over the case's messages (``store.market.records``, read once for
all of them by ``analyse``): ``bots`` (shop bots), ``networks`` (near-duplicate offers
across chats: franchises like Televend), ``vendors`` (who sells), ``trends`` (weekly
activity and spikes), then ``links`` ties them together in one graph and names the "same
operator" candidates. ``watch`` matches watchlist rules against new messages.
"""
