#!/usr/bin/env python3
"""Compares the Amazon links of `linkscope audit --format json` with those `lychee --dump` lists
for the same folder: lychee's links are classified by `linkscope parse` (Amazon or not), both
sides are normalized the same way (protocol-relative links as https, scheme and host in lower
case), and the counts and the difference are printed.

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
    only_ours = set(mine) - set(theirs)
    only_theirs = set(theirs) - set(mine)
    print(f"  links: linkscope {sum(mine.values())} Amazon ({len(mine)} distinct); "
          f"lychee {sum(theirs.values())} Amazon ({len(theirs)} distinct) of {total} links")
    print(f"  distinct Amazon links only linkscope found: {len(only_ours)}; "
          f"only lychee: {len(only_theirs)}")
    for label, urls in (("only linkscope", only_ours), ("only lychee", only_theirs)):
        for url in sorted(urls)[:5]:
            print(f"    {label}: {url}")


main()
