"""One HTTP client for the requests that tests send one by one to servers on 127.0.0.1.

Creating an httpx client loads the CA bundle, which takes about 24 ms on the test machine. That is
more than most of these requests take: a loop of a few hundred `httpx.get(...)` calls cost seconds.
No TLS is spoken on loopback, so this client loads no CA bundle. It is safe to share between threads.
"""

from __future__ import annotations

import httpx

HTTP = httpx.Client(verify=False)
