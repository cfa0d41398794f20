// The report's style sheet, inlined so the page needs no other file.
/**
 * The language switch and the review filter are radio/checkbox inputs placed before the content, so plain CSS
 * does the switching: no script, which keeps the report working under any Content-Security-Policy and from disk.
 */
export const reportCss = `
:root{--bad:#b3261e;--warn:#8a5300;--ok:#1b6e33;--line:#d9dce1;--muted:#5f6670;font:14px/1.45 system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1d2126}
body{margin:0 auto;max-width:1200px;padding:0 16px 32px}
.ctl{position:absolute;opacity:0;pointer-events:none}
#l-vi:checked~* span[lang=en],#l-en:checked~* span[lang=vi]{display:none}
#l-vi:checked~header label[for=l-vi],#l-en:checked~header label[for=l-en]{background:#1d2126;color:#fff}
#f-rv:checked~main tr.pg:not(.rv),#f-rv:checked~main .doc:not(.has-rv){display:none}
#f-rv:checked~main label[for=f-rv]{background:#1d2126;color:#fff}
#l-vi:focus-visible~header label[for=l-vi],#l-en:focus-visible~header label[for=l-en],#f-rv:focus-visible~main label[for=f-rv]{outline:2px solid #0b57d0}
header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;border-bottom:2px solid #1d2126;margin-bottom:12px}
h1{font-size:22px;margin:12px 0}h2{font-size:18px;margin:24px 0 8px}h3{font-size:15px;margin:16px 0 6px}
.langs label,.filter label{display:inline-block;border:1px solid #1d2126;padding:2px 10px;cursor:pointer;user-select:none}
.langs label+label{border-left:0}
.sum{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px;margin:0}
.sum div{border:1px solid var(--line);padding:6px 10px}.sum dt{color:var(--muted);font-size:12px}.sum dd{margin:0;font-size:15px}
table{border-collapse:collapse;width:100%}.pages{table-layout:fixed}
.pages th:nth-child(1){width:44px}.pages th:nth-child(2){width:172px}.pages th:nth-child(4){width:120px}.pages th:nth-child(5){width:84px}.pages th:nth-child(6){width:190px}
.rv th:nth-child(1){width:84px}.rv th:nth-child(2){width:45%}
h2 small{font-weight:400;color:var(--muted)}th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600}
.pages td.th{width:160px}.pages img{display:block;border:1px solid var(--line);max-width:160px;height:auto}
.nothumb{display:block;width:110px;height:60px;border:1px dashed var(--line);color:var(--muted);font-size:11px;padding:4px}
.n,.cf{text-align:right;font-variant-numeric:tabular-nums}.file{overflow-wrap:anywhere}.err{color:var(--bad);overflow-wrap:anywhere}
.st{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;font-weight:600;white-space:nowrap}
.st-done{background:#e3f1e7;color:var(--ok)}.st-failed{background:#fbe4e2;color:var(--bad)}.st-skipped{background:#eceff3;color:var(--muted)}.st-not-started{background:#fff4d6;color:#7a5a00}
.flag{display:inline-block;background:#fff3dc;color:var(--warn);border-radius:3px;padding:0 5px;margin:1px 0;font-size:12px;white-space:nowrap}
.kind{font-weight:600}.ecode{font-size:.85em;color:var(--muted)}
.c-lo{color:var(--bad);font-weight:700}.c-mid{color:var(--warn);font-weight:600}.c-hi{color:var(--ok)}
.bad{color:var(--bad)}.warn{color:var(--warn)}
.box{border-left:4px solid;padding:4px 10px;margin:6px 0}.bad-box{border-color:var(--bad);background:#fdf2f1}.warn-box{border-color:#e0a030;background:#fffaf0}
.msgs{margin:4px 0;padding-left:20px}.meta,.help{color:var(--muted);margin:4px 0}
.dossier{border-top:1px solid var(--line)}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@media print{.ctl,.langs,.filter{display:none}a{color:inherit;text-decoration:none}}
`.trim();
