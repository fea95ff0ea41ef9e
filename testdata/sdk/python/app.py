"""A small program profiled by the Grafana Pyroscope Python SDK (pyroscope-io), for `npm run test:sdk`.

Usage: python app.py SERVER_URL APP_NAME SECONDS. It pushes CPU profiles for SECONDS with static tags
and per-block tags (pyroscope.tag_wrapper), then shuts the profiler down, which uploads what is left.
Its hot function has a name the test looks for.
"""
import logging
import sys
import time

import pyroscope


def flamelens_sdk_python_hot_loop(until):
    # Integer mixing for 10 ms of each 20 ms, so the suite's five programs share two cores.
    x = 1
    while time.monotonic() < until:
        stop = time.monotonic() + 0.01
        while time.monotonic() < stop:
            for _ in range(1000):
                x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        time.sleep(0.01)
    return x


def main():
    logging.basicConfig(level=logging.INFO)
    server, app, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    pyroscope.configure(
        application_name=app,
        server_address=server,
        tags={"sdk_test": "python", "region": "local"},
        upload_interval=5,
        enable_logging=True,
        mem_enabled=True,
    )
    end = time.monotonic() + seconds
    with pyroscope.tag_wrapper({"handler": "checkout"}):
        flamelens_sdk_python_hot_loop(end)
    pyroscope.shutdown()
    print("sdkpython: done", file=sys.stderr)


if __name__ == "__main__":
    main()
