#!/usr/bin/env python3
"""Compares the Amazon links of `linkscope audit --format json` with those `lychee --dump` lists
for the same folder: lychee's links are classified by `linkscope parse` (Amazon or not), both
sides are normalized the same way (protocol-relative links as https, scheme and host in lower
case), and the counts and the difference are printed, per occurrence (both list every link as
often as it is written) and per distinct link.

lychee must be given `--base-url` for the comparison to be fair: without it, it reads
`//www.amazon.com/…` against the file (`file://www.amazon.com/…`, not Amazon) and drops
root-relative links (`/blog/…`) with a warning each.

usage: compare-links.py LINKSCOPE_JSON LYCHEE_DUMP LINKSCOPE_BINARY
"""
import collections
import json
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit


def normalize(url):
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def ours(path):
    with open(path) as f:
        report = json.load(f)
    return collections.Counter(normalize(r["href"]) for r in report["findings"])


def lychee(path, binary):
    with open(path) as f:
        urls = [normalize(line) for line in f if line.strip()]
    # One URL a line: what lychee dumps may hold no line break inside a URL.
    parsed = subprocess.run([binary, "parse"], input="\n".join(urls).encode(),
                            capture_output=True, check=True).stdout.decode().splitlines()
    amazon = [u for u, line in zip(urls, parsed) if json.loads(line)["amazon"]]
    return collections.Counter(amazon), len(urls)


def main():
    mine = ours(sys.argv[1])
    theirs, total = lychee(sys.argv[2], sys.argv[3])
    print(f"  links: linkscope {sum(mine.values())} Amazon ({len(mine)} distinct); "
          f"lychee {sum(theirs.values())} Amazon ({len(theirs)} distinct) of {total} links")
    # Per occurrence: a link written three times and found twice counts once here.
    only_ours, only_theirs = mine - theirs, theirs - mine
    print(f"  occurrences only linkscope found: {sum(only_ours.values())} "
          f"({len(only_ours)} distinct); only lychee: {sum(only_theirs.values())} "
          f"({len(only_theirs)} distinct)")
    for label, urls in (("only linkscope", only_ours), ("only lychee", only_theirs)):
        for url in sorted(urls)[:5]:
            print(f"    {label}: {url} ({urls[url]}x)")


main()
