// The page's escaping: hostile names from DNS and users reach the page only as text.
import { describe, expect, it } from "vitest";
import { escapeHtml, html, SafeHtml } from "../../../src/web/html.js";
import { HOSTILE_NAME } from "../../lab/zones.js";

describe("escapeHtml and html``", () => {
  it("escapes markup and both quote characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  it("replaces control characters, keeps tabs, newlines and non-ASCII", () => {
    expect(escapeHtml("a\u0000b\u001bc\td\ne é")).toBe("a\\x00b\\x1bc\td\ne é");
    expect(escapeHtml("ok\u202emoc.elgoog")).toBe("ok\\u202emoc.elgoog");
  });

  it("escapes every interpolation, joins arrays, passes SafeHtml through", () => {
    const name = HOSTILE_NAME;
    const out = html`<td title="${name}">${[name, html`<b>${name}</b>`]}</td>`.value;
    expect(out).not.toContain("<img");
    expect(out).not.toMatch(/title="[^"]*"[^>]*onerror/);
    expect(out).toContain(
      "<b>&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;.hostile.example.test</b>",
    );
    expect(html`${null}${undefined}${3}`.value).toBe("3");
    expect(html`${new SafeHtml("<br>")}`.value).toBe("<br>");
  });
});
