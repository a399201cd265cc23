"use strict";
// The receipt lookup: it hashes the receipt typed here as booth does
// (models.ReceiptHash) and looks the hash up in the ledger this page
// holds. Nothing is sent anywhere: the page has no address to send to,
// and its Content-Security-Policy forbids every connection.
(function () {
	var data = JSON.parse(document.getElementById("ledger").textContent);
	var form = document.getElementById("lookup");
	var input = document.getElementById("receipt");
	var out = document.getElementById("lookup-result");
	var ledger = new Map();
	data.entries.forEach(function (e) { ledger.set(e[0], e[1]); });

	// A receipt as booth normalizes it (models.NormalizeReceipt): spaces
	// and dashes dropped, letters upper-cased, 0, 1 and 8 read as O, I, B.
	function normalize(s) {
		var map = { "0": "O", "1": "I", "8": "B" };
		var n = s.replace(/[\s-]/g, "").toUpperCase().replace(/[018]/g, function (c) { return map[c]; });
		if (!/^[A-Z2-7]*$/.test(n)) {
			return { error: "This is not a receipt: a receipt uses only the letters A to Z and the digits 2 to 7." };
		}
		if (n.length !== 26) {
			return { error: "This is not a receipt: a receipt has 26 letters and digits (groups of four like K7QF-2MXP-…), but this one has " + n.length + ". Check that it was copied whole." };
		}
		return { receipt: n };
	}

	var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
		0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
		0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
		0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
		0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
		0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
		0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

	function ror(x, n) { return (x >>> n) | (x << (32 - n)); }

	// SHA-256 (FIPS 180-4) in the page itself: the browser's crypto.subtle
	// exists only on https and file pages, and a foundation's site may
	// serve this page over plain http.
	function sha256hex(bytes) {
		var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
		var n = ((bytes.length + 9 + 63) >> 6) << 6;
		var m = new Uint8Array(n);
		m.set(bytes);
		m[bytes.length] = 0x80;
		var dv = new DataView(m.buffer);
		dv.setUint32(n - 8, Math.floor(bytes.length / 0x20000000));
		dv.setUint32(n - 4, (bytes.length * 8) >>> 0);
		var w = new Array(64);
		for (var i = 0; i < n; i += 64) {
			for (var t = 0; t < 64; t++) {
				if (t < 16) {
					w[t] = dv.getUint32(i + 4 * t);
				} else {
					var a15 = w[t - 15], a2 = w[t - 2];
					var s0 = ror(a15, 7) ^ ror(a15, 18) ^ (a15 >>> 3);
					var s1 = ror(a2, 17) ^ ror(a2, 19) ^ (a2 >>> 10);
					w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
				}
			}
			var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
			for (t = 0; t < 64; t++) {
				var t1 = (k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
				var t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
				k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
			}
			h = [h[0] + a, h[1] + b, h[2] + c, h[3] + d, h[4] + e, h[5] + f, h[6] + g, h[7] + k];
		}
		return h.map(function (x) { return ("0000000" + (x >>> 0).toString(16)).slice(-8); }).join("");
	}

	function show(kind, heading, body) {
		out.className = "lookup-result " + kind;
		out.textContent = "";
		var p = document.createElement("p");
		var strong = document.createElement("strong");
		strong.textContent = heading;
		p.appendChild(strong);
		out.appendChild(p);
		if (body) {
			var pre = document.createElement("p");
			pre.className = "ballot";
			pre.textContent = body;
			out.appendChild(pre);
		}
	}

	form.addEventListener("submit", function (ev) {
		ev.preventDefault();
		var r = normalize(input.value);
		if (r.error) {
			show("bad", r.error);
			return;
		}
		var hash = sha256hex(new TextEncoder().encode("booth-receipt:" + data.election + ":" + r.receipt));
		if (!ledger.has(hash)) {
			show("bad", "Not found: no ballot in the ledger of this election has this receipt. Check that it was copied whole and is for this election.");
		} else if (ledger.get(hash) < 0) {
			show("bad", "Replaced: this receipt's ballot was replaced by a newer one, so it was not counted.");
		} else {
			show("good", "Counted: the ledger holds your ballot under receipt hash " + hash + ". It reads:", data.ballots[ledger.get(hash)]);
		}
	});
	form.hidden = false;
	document.getElementById("lookup-nojs").hidden = true;
})();
