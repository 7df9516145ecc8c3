import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../api/auth.decorators';

// What someone who opens the service's address sees first: where to go from here. Static, so public.
export const HOME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HOME_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hostdigest</title>
<link rel="icon" href="/admin/favicon.svg" type="image/svg+xml">
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2933}
h1{font-size:1.6rem;margin-bottom:.25rem}p.lead{color:#52606d;margin-top:0}
ul{list-style:none;padding:0}li{margin:.9rem 0}a{color:#1d4ed8;font-weight:600}span{display:block;color:#52606d}
code{background:#f0f4f8;padding:.1rem .3rem;border-radius:3px}
</style>
</head>
<body>
<main>
<h1>hostdigest</h1>
<p class="lead">Security events from your vendor, turned into branded digests and alerts for your customers.</p>
<ul>
<li><a href="/admin">Web editor</a><span>Brands and templates with a live preview. Log in with an API key.</span></li>
<li><a href="/docs">API documentation</a><span>Every endpoint, to try in the browser; the OpenAPI document is at <a href="/docs-json">/docs-json</a>.</span></li>
<li><a href="/health/ready">Health</a><span>Whether the database and the job engine are up.</span></li>
</ul>
<p>Call the API with <code>Authorization: Bearer &lt;API key&gt;</code>. The first start prints the admin key of the default organization once.</p>
</main>
</body>
</html>
`;

@ApiExcludeController()
@Public()
@Controller()
export class HomeController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', HOME_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return HOME_PAGE;
  }
}
