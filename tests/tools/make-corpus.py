#!/usr/bin/env python3
"""Writes a generated WordPress-like site for benchmarks: HTML pages of 40-80 KB and Markdown
posts, each with Amazon links of every kind (tagged, untagged, foreign, short, protocol-relative)
among ordinary links, plus one large page. Deterministic for a given seed.

usage: make-corpus.py OUT_DIR [HTML_PAGES] [MD_POSTS] [BIG_PAGE_MB]
"""
import os
import random
import sys

out = sys.argv[1]
html_pages = int(sys.argv[2]) if len(sys.argv) > 2 else 500
md_posts = int(sys.argv[3]) if len(sys.argv) > 3 else 500
big_mb = int(sys.argv[4]) if len(sys.argv) > 4 else 10
rng = random.Random(42)

ASINS = ["B08N5WRWNW", "B077JBQZPX", "B0BSHF7WHW", "B01GJOMVRO", "B07Y5HH1W8"]
HOSTS = ["www.amazon.com", "www.amazon.de", "www.amazon.co.uk", "amazon.fr"]


def amazon_link():
    asin = rng.choice(ASINS)
    host = rng.choice(HOSTS)
    kind = rng.randrange(6)
    if kind == 0:
        return f"https://{host}/dp/{asin}?tag=mysite-20&amp;linkCode=ll1"
    if kind == 1:
        return f"https://{host}/Some-Product-Title/dp/{asin}/ref=sr_1_{rng.randrange(9)}"
    if kind == 2:
        return f"https://{host}/gp/product/{asin}?tag=rival-20"
    if kind == 3:
        return "https://amzn.to/" + "".join(rng.choice("abcdefgXYZ0123") for _ in range(7))
    if kind == 4:
        return f"//{host}/dp/{asin}"
    return f"https://{host}/s?k=kettle&amp;tag=mysite-20"


def paragraph():
    words = " ".join(rng.choices(["kettle", "water", "boil", "review", "steel", "price", "best"],
                                 k=rng.randrange(40, 120)))
    links = []
    for _ in range(rng.randrange(0, 3)):
        links.append(f'<a href="{amazon_link()}" rel="sponsored">buy</a>')
    links.append(f'<a href="/blog/{rng.randrange(10000)}/">more</a>')
    return f"<p>{words} {' '.join(links)}</p>\n"


def html_page(size):
    head = ('<!doctype html><html><head><meta charset="utf-8"><title>Post</title>'
            '<script>var x = "<a href=\\"https://www.amazon.com/dp/B000000000\\">";</script>'
            '<style>p { margin: 0 }</style></head><body><nav><a href="/">Home</a></nav>\n')
    body = []
    total = len(head)
    while total < size:
        p = paragraph()
        body.append(p)
        total += len(p)
    return head + "".join(body) + "</body></html>\n"


def md_post():
    lines = ["---", "title: A post", f"affiliate_link: https://www.amazon.com/dp/{rng.choice(ASINS)}", "---", ""]
    for _ in range(rng.randrange(20, 60)):
        text = " ".join(rng.choices(["kettle", "water", "boil", "review"], k=30))
        link = amazon_link().replace("&amp;", "&")
        lines.append(f"{text} [buy]({link}) and [more](/blog/{rng.randrange(999)}/).\n")
    lines.append("```\nhttps://www.amazon.com/dp/B000000000\n```\n")
    return "\n".join(lines)


os.makedirs(f"{out}/html", exist_ok=True)
os.makedirs(f"{out}/markdown", exist_ok=True)
for i in range(html_pages):
    with open(f"{out}/html/page-{i:06}.html", "w") as f:
        f.write(html_page(rng.randrange(40_000, 80_000)))
for i in range(md_posts):
    with open(f"{out}/markdown/post-{i:06}.md", "w") as f:
        f.write(md_post())
if big_mb:
    os.makedirs(f"{out}/big", exist_ok=True)
    with open(f"{out}/big/big.html", "w") as f:
        f.write(html_page(big_mb << 20))
