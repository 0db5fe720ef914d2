// Appends a page of links, as infinite scroll and single-page apps do.
let page = 0;
document.getElementById('more').addEventListener('click', () => {
  page += 1;
  const feed = document.getElementById('feed');
  for (const href of [
    `https://www.amazon.de/dp/B08N5WRWNW?tag=mysite0b-21&page=${page}`,
    `https://www.amazon.com/gp/product/B0BSHF7WHW?page=${page}`,
    `https://example.com/more/${page}`,
  ]) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = href;
    a.textContent = `Deal ${page}: ${href}`;
    li.append(a);
    feed.append(li);
  }
});
