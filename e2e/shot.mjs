import { launch } from './lib/browser.mjs';
const base = 'http://127.0.0.1:8099';
const b = await launch();
const p = await (await b.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
await p.goto(base + '/sign-in');
await p.fill('#email', 'admin@safeguard.example');
await p.fill('#password', 'correct horse battery staple');
await Promise.all([p.waitForNavigation(), p.click('button:has-text("Sign in")')]);
for (const [path, name] of JSON.parse(process.argv[2])) {
  await p.goto(base + path);
  await p.screenshot({ path: `/tmp/shot-${name}.png`, fullPage: process.argv[3] === 'full' });
  console.log(name, p.url());
}
await b.close();
