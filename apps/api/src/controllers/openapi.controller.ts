import { openApiDocument } from '@gennaker/api-client';
import { Controller, Get, Header } from '@nestjs/common';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Gennaker API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}code{background:#eee;padding:0 .2rem}
details{margin:.3rem 0}summary{cursor:pointer}pre{background:#f6f6f6;padding:.5rem;overflow:auto}</style></head>
<body><h1>Gennaker API</h1><p>The OpenAPI document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p><div id="ops"></div>
<script>
fetch('/api/v1/openapi.json').then(r=>r.json()).then(doc=>{const el=document.getElementById('ops');
for(const [path,item] of Object.entries(doc.paths)){for(const [method,op] of Object.entries(item)){if(method==='parameters')continue;
const d=document.createElement('details');const s=document.createElement('summary');s.textContent=method.toUpperCase()+' '+path+(op.operationId?'  ('+op.operationId+')':'');
d.appendChild(s);const pre=document.createElement('pre');pre.textContent=JSON.stringify(op,null,2);d.appendChild(pre);el.appendChild(d);}}});
</script></body></html>`;

@Controller()
export class OpenApiController {
  private readonly doc = openApiDocument();

  @Get('api/v1/openapi.json')
  document() {
    return this.doc;
  }

  /** A browsable list of the operations (works offline: no CDN assets). */
  @Get('api/docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }
}
