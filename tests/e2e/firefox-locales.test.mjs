// The popup, options and panel in German, Japanese and Arabic (locales.test.mjs) in Firefox.
process.env.LINKSCOPE_BROWSER = 'firefox';
await import('./locales.test.mjs');
