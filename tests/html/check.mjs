// check.mjs MODE REPORT.html [JSON] - opens an smbcmp --html report in the
// system chromium (playwright-core, no browser download) and checks it;
// prints one line per failed check and exits 1 if any failed.
//
//   pair REPORT JSON  a comparison: no console error, the summary counts
//                     equal --json's, expanding a changed operation shows its
//                     changed fields, the status filter hides equal rows, the
//                     text filter, ]/[ and j/k, one ladder row per listed
//                     operation (in both axis modes), the response-time chart;
//                     with JavaScript off the summary, findings and profile
//   esc REPORT JSON   the escaping capture (mkescape.py): as pair, and no
//                     value from the trace became markup or ran: no global
//                     p, no element from a name, each operation's text in the
//                     table equals --json's (control characters shown as
//                     their control pictures)
//   one REPORT        one trace: no console error, packets listed, a
//                     frame's tree expands
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [mode, report, jsonPath] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu'],
});
try {
	const page = await browser.newPage();
	const errors = [];
	page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
	page.on('pageerror', (e) => errors.push(String(e)));
	await page.goto(pathToFileURL(report).href);
	await page.waitForLoadState('load');

	if (mode === 'one') {
		const n = await page.locator('#optable tr.op').count();
		check(n > 0, `one: no packet rows`);
		const det = page.locator('#optable tr.det details').first();
		await page.locator('#optable tr.op').first().click();
		check(await det.evaluate((d) => d.open && d.querySelectorAll('.tree [title]').length > 0),
		      'one: clicking the first packet does not open a tree with fields');
	} else {
		const J = JSON.parse(readFileSync(jsonPath, 'utf8'));
		// Summary counts = --json's.
		for (const k of ['compared', 'equal', 'similar', 'changed', 'only_a', 'only_b']) {
			const v = await page.locator(`#summary td[data-k="${k}"] b`).textContent();
			check(Number(v) === J.summary[k], `summary ${k}: html ${v}, json ${J.summary[k]}`);
		}
		const ops = J.operations;
		const nrows = await page.locator('#optable tr.op').count();
		check(nrows === ops.length, `rows: html ${nrows}, json ${ops.length}`);
		// Expanding a changed operation shows its changed fields.
		const changed = ops.find((o) => o.status === 'changed' && o.differences && o.differences.length);
		check(changed, 'no changed operation with differences in --json');
		if (changed) {
			await page.locator(`#o${changed.index}`).click();
			const info = await page.locator(`#d${changed.index} details`).first().evaluate((d) => ({
				open: d.open,
				fields: Array.from(d.querySelectorAll('table.fields td.fp')).map((t) => t.firstChild.textContent.trim()),
				marked: Array.from(d.querySelectorAll('.tree .c')).filter((e) => e.offsetParent !== null).length,
			}));
			check(info.open, `#${changed.index}: click does not open its detail`);
			const want = changed.differences.map((f) => f.name);
			check(JSON.stringify(info.fields) === JSON.stringify(want),
			      `#${changed.index}: fields ${JSON.stringify(info.fields)}, json ${JSON.stringify(want)}`);
			check(info.marked > 0, `#${changed.index}: no changed field visible in its trees`);
			// A changed field: its name on hover, its display filter to copy.
			const f = await page.locator(`#d${changed.index} .tree .c[data-f]`).first().evaluate((e) =>
				({ title: e.getAttribute('title'), filter: e.getAttribute('data-f') }));
			check(f.title && f.filter.startsWith(f.title),
			      `#${changed.index}: changed field title ${f.title}, filter ${f.filter}`);
			// The default masks dim what they ignore (message ids, at least).
			const dimmed = await page.locator(`#d${changed.index} .tree .m[title="smb2.msg_id"]`).count();
			check(dimmed > 0, `#${changed.index}: smb2.msg_id not dimmed by the default masks`);
		}
		// The status filter hides equal rows (and only them).
		await page.locator('input.stf[value="equal"]').uncheck();
		const vis = await page.$$eval('#optable tr.op', (rs) => rs.filter((r) => r.offsetParent !== null)
			.map((r) => r.className));
		check(vis.every((c) => !c.includes('s-equal')), 'equal rows visible with "equal" unchecked');
		const neq = ops.filter((o) => o.status !== 'equal').length;
		check(vis.length === neq, `rows visible without equal: ${vis.length}, json ${neq}`);
		await page.locator('input.stf[value="equal"]').check();
		// ] selects the first difference, j the row after it (on a fresh page).
		await page.reload();
		await page.keyboard.press(']');
		const first = ops.find((o) => o.status !== 'equal');
		let sel = await page.$eval('#optable tr.op.sel', (r) => r.dataset.i).catch(() => null);
		check(first && sel === String(first.index), `]: selected #${sel}, first difference #${first && first.index}`);
		await page.keyboard.press('j');
		sel = await page.$eval('#optable tr.op.sel', (r) => r.dataset.i).catch(() => null);
		const after = ops[ops.indexOf(first) + 1];
		check(!after || sel === String(after.index), `j: selected #${sel}, want #${after && after.index}`);
		// The text filter.
		const word = 'Close';
		await page.locator('#q').fill(word);
		const tv = await page.$$eval('#optable tr.op', (rs) => rs.filter((r) => r.offsetParent !== null)
			.map((r) => r.textContent));
		check(tv.length > 0 && tv.every((t) => t.toLowerCase().includes(word.toLowerCase())),
		      `text filter "${word}": ${tv.length} rows, not all matching`);
		await page.locator('#q').fill('');
		// The ladder: one row per listed operation, in both modes.
		for (const axis of ['seq', 'time']) {
			await page.locator(`input[name=axis][value=${axis}]`).check();
			const lr = await page.locator('#ladderbox g.lr').count();
			check(lr === ops.length, `ladder (${axis}): ${lr} rows, ${ops.length} operations`);
		}
		check(await page.locator('#timessvg').count() === 1, 'no response-time chart');

		if (mode === 'esc') {
			const g = await page.evaluate(() => typeof window.p);
			check(g === 'undefined', `a name ran as script: window.p is ${g}`);
			const els = await page.$$eval('#optable svg, #optable b, #optable a, #optable script, ' +
				'.tree svg, .tree b, .tree a, .tree script, #ladderbox a, #ladderbox script',
				(es) => es.map((e) => e.outerHTML.slice(0, 60)));
			check(els.length === 0, `elements made from names: ${els.join(' ')}`);
			// Each row's A text equals --json's (C0 controls as control pictures).
			const pict = (s) => s.replace(/[\x00-\x1f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)))
				.replace(/\x7f/g, '\u2421');
			let bad = 0;
			for (const o of ops) {
				if (!o.a) continue;
				const want = pict(o.a.request && o.a.response ? `${o.a.request} \u2192 ${o.a.response}`
					: o.a.request || o.a.response);
				const got = await page.$eval(`#o${o.index} td.sum`, (t) => t.textContent);
				if (got !== want && bad++ < 3)
					failures.push(`#${o.index} text ${JSON.stringify(got)}, json ${JSON.stringify(want)}`);
			}
			const names = ops.filter((o) => o.a && /<svg|<\/script|<!--/.test(o.a.request)).length;
			check(names >= 3, `only ${names} operations carry the hostile names`);
			// The ladder labels (script JSON data) hold the names as text.
			const labels = await page.$$eval('#ladderbox g.lr > text', (ts) => ts.map((t) => t.textContent));
			check(labels.some((t) => t.includes('</script>"&\'')), 'no ladder label with </script>');
			check(labels.some((t) => t.includes('<svg\\onload=p=1>\u2028')), 'no ladder label with U+2028');
		}
	}
	check(errors.length === 0, `console errors: ${errors.join(' | ')}`);
	// Without JavaScript the header, findings and profile still read.
	if (mode !== 'one') {
		const ctx = await browser.newContext({ javaScriptEnabled: false });
		const p2 = await ctx.newPage();
		await p2.goto(pathToFileURL(report).href);
		const J = JSON.parse(readFileSync(jsonPath, 'utf8'));
		const v = await p2.locator('#summary td[data-k="compared"] b').textContent();
		check(Number(v) === J.summary.compared, `no script: summary compared ${v}`);
		const nf = await p2.locator('#findings li').count();
		check(nf === J.findings.length, `no script: ${nf} findings, json ${J.findings.length}`);
		check(await p2.locator('#profile tr').count() > 1, 'no script: no profile rows');
		await ctx.close();
	}
} finally {
	await browser.close();
}
for (const f of failures) console.log(`FAIL ${mode} ${report}: ${f}`);
process.exit(failures.length ? 1 : 0);
