"""``python -m crawler.demosite [--port 8410] [--scale 1]``: serve the demo site until killed."""

from __future__ import annotations

import argparse
import sys
import threading

from crawler.demosite import DemoSite


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.demosite", description=__doc__)
    parser.add_argument("--port", type=int, default=8410, help="0 picks a free port")
    parser.add_argument("--scale", type=int, default=1, help="size of the site (50 gives 5,558 articles)")
    args = parser.parse_args(argv)
    serve(args.port, args.scale)


def serve(port: int, scale: int) -> None:
    """Start the site, print its URL as the first stdout line, block until interrupted."""
    with DemoSite(scale=scale, port=port) as site:
        print(site.url, flush=True)
        print(f"{len(site.pages)} pages, {len(site.ground_truth())} ground-truth rows; Ctrl-C stops",
              file=sys.stderr, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
