// The review page's scripts: a late hero image, web components with open and closed shadow
// roots, the cross-origin frame, and the dark theme (?theme=dark).
customElements.define('product-card', class extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot || this.dataset.done) return;
    this.dataset.done = '1';
    const closed = this.dataset.mode === 'closed';
    const root = this.attachShadow({ mode: closed ? 'closed' : 'open' });
    root.innerHTML = `<style>div { border: 1px solid #ccc; padding: 8px 12px; margin: 8px 0; font: 15px/1.5 system-ui; }</style>
      <div>${closed ? 'Closed card:' : 'Open card:'} <a href="https://www.amazon.com/dp/B0CARD0001?tag=mysite-20">the card's product</a> and
      <inner-badge></inner-badge></div>`;
  }
});
customElements.define('inner-badge', class extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    this.attachShadow({ mode: 'open' }).innerHTML = '<a href="https://www.amazon.com/dp/B0NESTED01">a nested link</a>';
  }
});
const params = new URLSearchParams(location.search);
if (params.get('theme') === 'dark') document.documentElement.classList.add('dark');
// The hero image arrives late (or when the test says) and pushes everything below it down.
window.loadHero = () => {
  document.getElementById('hero').src = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='760' height='320'%3E%3Crect width='760' height='320' fill='%23c8a27a'/%3E%3C/svg%3E";
};
if (!params.has('hold')) setTimeout(window.loadHero, 300);
document.getElementById('cross-frame').src = `http://localhost:${location.port}/frame-child.html`;
