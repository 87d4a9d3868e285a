"""The request ``meta`` keys our components share: the spider sets them, the others read them."""

SITE = "newscorpus_site"        # the site config's name
KIND = "newscorpus_kind"        # what the spider expects: article, listing, sitemap, feed, robots (or None)
VIA = "newscorpus_via"          # how the URL was found: start, robots, sitemap, feed, listing, store, backfill
HOPS = "newscorpus_hops"        # link hops from a start page, sitemap or feed
HINTS = "newscorpus_hints"      # what a sitemap or feed said of the page (title, date, ...), for its WARC metadata
REVISIT = "newscorpus_revisit"  # seconds after which a settled page is due again; None = never
ALWAYS = "newscorpus_always"    # fetch even if stored (start pages, sitemaps, feeds): claimed once per crawl
PAGE = "newscorpus_page"        # set by the capture middleware: the decoded page
FETCH = "newscorpus_fetch"      # set by the capture middleware: the fetch row of the final response
CLAIMED = "newscorpus_claimed"  # set by the capture middleware: the redirect target it claimed for this request
FILTERED = "newscorpus_filtered"  # set by the dupefilter: why the request was not scheduled
