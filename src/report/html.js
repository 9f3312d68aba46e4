/* The --html report's script (embedded by tools/embed.py): filtering and
 * keys over the operations table, expanding details, copying a field's
 * Wireshark display filter, the ladder and the response-time charts.
 * Values from the traces are only ever set as text (textContent,
 * setAttribute), never parsed as HTML. */
(function () {
	'use strict';
	var data = JSON.parse(document.getElementById('data').textContent);
	var rows = Array.prototype.slice.call(document.querySelectorAll('#optable tr.op'));
	var sel = -1;

	function detailOf(tr) {
		var n = tr.nextElementSibling;
		return n && n.classList.contains('det') ? n : null;
	}
	function visible(tr) { return !tr.classList.contains('hidden'); }

	/* Filter: status checkboxes and text. */
	function applyFilter() {
		var on = {};
		document.querySelectorAll('input.stf').forEach(function (c) { on[c.value] = c.checked; });
		var q = document.getElementById('q').value.toLowerCase();
		rows.forEach(function (tr) {
			var st = (tr.className.match(/s-(\w+)/) || [])[1];
			var show = (on[st] !== false) && (!q || tr.textContent.toLowerCase().indexOf(q) >= 0);
			tr.classList.toggle('hidden', !show);
			var d = detailOf(tr);
			if (d) d.classList.toggle('hidden', !show);
		});
	}
	document.querySelectorAll('input.stf').forEach(function (c) {
		c.addEventListener('change', applyFilter);
	});
	document.getElementById('q').addEventListener('input', applyFilter);

	function select(k) {
		if (k < 0 || k >= rows.length) return;
		if (sel >= 0) rows[sel].classList.remove('sel');
		sel = k;
		rows[k].classList.add('sel');
		rows[k].scrollIntoView({ block: 'nearest' });
	}
	function step(dir, diffOnly) {
		for (var k = sel + dir; k >= 0 && k < rows.length; k += dir)
			if (visible(rows[k]) && (!diffOnly || !rows[k].classList.contains('s-equal'))) {
				select(k);
				return;
			}
	}
	function toggle(tr) {
		var d = detailOf(tr);
		var det = d && d.querySelector('details');
		if (det) det.open = !det.open;
	}
	rows.forEach(function (tr, k) {
		tr.addEventListener('click', function () { select(k); toggle(tr); });
	});
	document.addEventListener('keydown', function (ev) {
		var typing = ev.target.tagName === 'TEXTAREA' ||
			(ev.target.tagName === 'INPUT' && /^(search|text)$/.test(ev.target.type));
		if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) {
			if (typing && ev.key === 'Escape') ev.target.blur();
			return;
		}
		switch (ev.key) {
		case 'j': step(1, false); break;
		case 'k': step(-1, false); break;
		case ']': step(1, true); break;
		case '[': step(-1, true); break;
		case 'Enter': if (sel >= 0) toggle(rows[sel]); break;
		case '/': document.getElementById('q').focus(); break;
		default: return;
		}
		ev.preventDefault();
	});

	/* A field's display filter: click a leaf, double-click a subtree. */
	function copy(text) {
		var done = function () {
			var t = document.getElementById('copied');
			if (!t) {
				t = document.createElement('div');
				t.id = 'copied';
				document.body.appendChild(t);
			}
			t.textContent = 'copied: ' + text;
			clearTimeout(copy.timer);
			copy.timer = setTimeout(function () { t.remove(); }, 2500);
		};
		var fallback = function () {
			var ta = document.createElement('textarea');
			ta.value = text;
			document.body.appendChild(ta);
			ta.select();
			try { document.execCommand('copy'); } catch (e) { /* shown anyway */ }
			ta.remove();
			done();
		};
		if (navigator.clipboard && window.isSecureContext)
			navigator.clipboard.writeText(text).then(done, fallback);
		else
			fallback();
	}
	document.addEventListener('click', function (ev) {
		var el = ev.target.closest && ev.target.closest('.tree div[data-f]');
		if (el) copy(el.getAttribute('data-f'));
	});
	document.addEventListener('dblclick', function (ev) {
		var el = ev.target.closest && ev.target.closest('.tree summary[data-f]');
		if (el) { ev.preventDefault(); copy(el.getAttribute('data-f')); }
	});

	if (data.sides !== 2) return;

	var SVG = 'http://www.w3.org/2000/svg';
	function el(name, attrs, parent) {
		var e = document.createElementNS(SVG, name);
		for (var k in attrs) e.setAttribute(k, attrs[k]);
		if (parent) parent.appendChild(e);
		return e;
	}
	function text(parent, x, y, s, anchor) {
		var t = el('text', { x: x, y: y, 'text-anchor': anchor || 'start' }, parent);
		t.textContent = s;
		return t;
	}
	function fmtUs(us) {
		return us >= 1000000 ? (us / 1e6).toFixed(3) + ' s' :
		       us >= 1000 ? (us / 1e3).toFixed(2) + ' ms' : us + ' \u00b5s';
	}

	/* Ladder: per row [index, status, cmd, a_req, a_rsp, b_req, b_rsp, key]
	 * (microseconds from the trace's first frame, -1 when none; key the
	 * alignment key, "Create share\\dir\\file"). */
	var MAXL = 5000, RH = 18, W = 300, GAP = 60, LEFT = 260;
	function ladder(mode) {
		var box = document.getElementById('ladderbox');
		box.textContent = '';
		var rs = data.rows.slice(0, MAXL);
		var H = Math.max(rs.length * RH, 300) + 40;
		var maxT = [1, 1];
		rs.forEach(function (r) {
			for (var s = 0; s < 2; s++)
				maxT[s] = Math.max(maxT[s], r[3 + 2 * s], r[4 + 2 * s]);
		});
		var svg = el('svg', { width: LEFT + 2 * W + GAP + 20, height: H + 20, id: 'laddersvg' }, box);
		var xs = [[LEFT + 20, LEFT + W - 20], [LEFT + W + GAP + 20, LEFT + 2 * W + GAP - 20]];
		for (var s = 0; s < 2; s++) {
			text(svg, xs[s][0], 14, (s ? 'B' : 'A') + ' client', 'middle');
			text(svg, xs[s][1], 14, (s ? 'B' : 'A') + ' server', 'middle');
			el('line', { x1: xs[s][0], y1: 20, x2: xs[s][0], y2: H, stroke: '#bbb' }, svg);
			el('line', { x1: xs[s][1], y1: 20, x2: xs[s][1], y2: H, stroke: '#bbb' }, svg);
		}
		function y(s, k, t, off) {
			if (mode === 'time') return 30 + (H - 40) * t / maxT[s];
			return 30 + k * RH + off;
		}
		rs.forEach(function (r, k) {
			var g = el('g', { 'class': 'lr s-' + r[1], 'data-i': r[0] }, svg);
			var label = '#' + r[0] + ' ' + r[7];
			var ylab = null;
			for (var s = 0; s < 2; s++) {
				var tq = r[3 + 2 * s], tr = r[4 + 2 * s];
				if (tq < 0 && tr < 0) continue;
				var c = xs[s][0], v = xs[s][1];
				if (tq >= 0) {
					var y1 = y(s, k, tq, 2);
					el('line', { x1: c, y1: y1, x2: v, y2: y1 + 4 }, g);
					if (ylab === null) ylab = y1 + 4;
				}
				if (tr >= 0) {
					var y2 = y(s, k, tr, 10);
					el('line', { x1: v, y1: y2, x2: c, y2: y2 + 4 }, g);
					if (ylab === null) ylab = y2;
				}
				if (tq >= 0 && tr >= 0 && mode === 'time')
					el('line', { x1: v, y1: y(s, k, tq, 2) + 4, x2: v, y2: y(s, k, tr, 10), 'stroke-dasharray': '2,2' }, g);
			}
			var t = text(g, 4, ylab === null ? 30 + k * RH : ylab, label);
			var ti = el('title', {}, g);
			ti.textContent = label + ' (' + r[1] + ')' +
				(r[3] >= 0 && r[4] >= 0 ? ', A ' + fmtUs(r[4] - r[3]) : '') +
				(r[5] >= 0 && r[6] >= 0 ? ', B ' + fmtUs(r[6] - r[5]) : '');
			g.addEventListener('click', function () {
				var row = document.getElementById('o' + r[0]);
				if (row) { row.scrollIntoView({ block: 'center' }); select(rows.indexOf(row)); }
			});
			t.style.cursor = 'pointer';
		});
		if (data.rows.length > MAXL) {
			var p = document.createElement('p');
			p.className = 'note';
			p.textContent = 'The ladder shows the first ' + MAXL + ' of ' + data.rows.length + ' listed operations.';
			box.appendChild(p);
		}
	}
	document.querySelectorAll('input[name=axis]').forEach(function (r) {
		r.addEventListener('change', function () { ladder(r.value); });
	});
	ladder('seq');

	/* Response time per command: count, median, p95, max of each side. */
	(function times() {
		var per = {};
		data.rows.forEach(function (r) {
			var name = data.cmds[r[2]] || '';
			for (var s = 0; s < 2; s++) {
				var tq = r[3 + 2 * s], tr = r[4 + 2 * s];
				if (tq < 0 || tr < 0) continue;
				per[name] = per[name] || [[], []];
				per[name][s].push(tr - tq);
			}
		});
		var names = Object.keys(per).sort();
		var box = document.getElementById('timesbox');
		if (!names.length) { box.textContent = 'No answered operations.'; return; }
		function stat(v) {
			if (!v.length) return null;
			v.sort(function (a, b) { return a - b; });
			var q = function (p) { return v[Math.min(v.length - 1, Math.floor(p * v.length))]; };
			return { n: v.length, med: q(0.5), p95: q(0.95), max: v[v.length - 1] };
		}
		var st = names.map(function (n) { return [stat(per[n][0]), stat(per[n][1])]; });
		var top = 1;
		st.forEach(function (p) { p.forEach(function (x) { if (x) top = Math.max(top, x.p95); }); });
		var BW = 300, L = 170, RH2 = 30;
		var svg = el('svg', { width: L + BW + 420, height: names.length * RH2 + 10, id: 'timessvg' }, box);
		names.forEach(function (n, k) {
			var y0 = 5 + k * RH2;
			text(svg, 0, y0 + 18, n);
			for (var s = 0; s < 2; s++) {
				var x = st[k][s], y = y0 + s * 13;
				if (!x) { text(svg, L, y + 11, (s ? 'B' : 'A') + ' -'); continue; }
				var w = Math.max(1, BW * Math.min(x.med, top) / top);
				el('rect', { x: L + 14, y: y + 2, width: w, height: 10, fill: s ? '#7aa7e0' : '#e0a84c' }, svg);
				var w95 = BW * Math.min(x.p95, top) / top;
				el('line', { x1: L + 14 + w95, y1: y + 1, x2: L + 14 + w95, y2: y + 13, stroke: '#333' }, svg);
				text(svg, L, y + 11, s ? 'B' : 'A');
				text(svg, L + BW + 24, y + 11, 'n ' + x.n + '  median ' + fmtUs(x.med) +
				     '  p95 ' + fmtUs(x.p95) + '  max ' + fmtUs(x.max));
			}
		});
	})();
})();
