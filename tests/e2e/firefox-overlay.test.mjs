// The overlay's scenarios (overlay.test.mjs) in Firefox.
process.env.LINKSCOPE_BROWSER = 'firefox';
await import('./overlay.test.mjs');
