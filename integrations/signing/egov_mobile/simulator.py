"""The simulated eGov mobile phone of local mode: a page the deep link opens, which signs with a sandbox key.

``GET {prefix}/phone?link=<API 1 URL>`` shows the request (organisation, document title, expiry) and a «Подписать»
button; ``POST {prefix}/phone`` (form: ``link``, ``iin``) issues a key for that ИИН from the sandbox CA
(``integrations.signing.sandbox_keys``) and plays the real protocol over HTTP with ``PhoneSimulator``: API 1, API 2
GET, sign, API 2 PUT. A simulation only: ``local_links(prefix)`` points the deep links here instead of eGov mobile.
"""

from __future__ import annotations

import html
from urllib.parse import quote

import aiohttp
from aiohttp import web

from integrations.signing.egov_mobile.phone import PhoneSimulator, service_url_from
from integrations.signing.egov_mobile.protocol import EgovApiError, EgovLinks, EgovMobileService
from integrations.signing.errors import SigningError
from integrations.signing.policy import CertificatePolicy
from integrations.signing.sandbox_keys import SandboxCA

PHONE_PATH = "/phone"
CA_KEY = web.AppKey("egov_sandbox_ca", SandboxCA)
POLICY_KEY = web.AppKey("egov_sandbox_policy", CertificatePolicy)
SERVICE_KEY = web.AppKey("egov_simulated_service", EgovMobileService)

_PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>eGov mobile — симулятор</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #e7ebf0; margin: 0; display: flex; justify-content: center; }}
.phone {{ width: 22rem; margin: 1.5rem; padding: 1.25rem; background: #fff; border-radius: 1.5rem;
  box-shadow: 0 2px 8px rgb(0 0 0 / 0.15); }}
.banner {{ background: #fff4d6; color: #6b4b00; padding: 0.4rem 0.6rem; border-radius: 0.5rem; font-size: 0.85rem; }}
h1 {{ font-size: 1.1rem; }} .muted {{ color: #6b7785; font-size: 0.85rem; }}
button {{ width: 100%; padding: 0.7rem; font-size: 1rem; border: 0; border-radius: 0.6rem; background: #2a7ab0;
  color: #fff; cursor: pointer; }}
input {{ width: 100%; padding: 0.4rem; font: inherit; box-sizing: border-box; margin-bottom: 0.75rem; }}
.ok {{ color: #155d2c; }} .error {{ color: #7a1111; }}
</style></head>
<body><main class="phone">
<p class="banner">Симулятор eGov mobile: тестовая подпись ключом песочного УЦ, не настоящая ЭЦП.</p>
<h1>eGov mobile — симулятор</h1>
{body}
</main></body></html>
"""


def local_links(phone_url: str) -> EgovLinks:
    """Deep links that open the simulated phone at ``phone_url`` (``…/egov/phone``) instead of eGov mobile."""
    template = f"{phone_url}?link=%s"
    return EgovLinks(mobile=template, business=template)


def _page(body: str, status: int = 200) -> web.Response:
    return web.Response(text=_PAGE.format(body=body), content_type="text/html", status=status)


def _request_id(link: str) -> str:
    return service_url_from(link).rstrip("/").rsplit("/", 1)[-1]


async def _show(request: web.Request) -> web.Response:
    service = request.app[SERVICE_KEY]
    link = request.query.get("link", "")
    request_id = _request_id(link)
    try:
        info = service.service_info(request_id)
    except EgovApiError as exc:
        return _page(f'<p class="error">{html.escape(exc.message)}</p>', status=exc.status)
    context = service.context(request_id)
    iin = (context.expected_iin if context else None) or ""
    org = info["organisation"]["nameRu"]
    body = (
        f"<p class='muted'>Запрос от: {html.escape(str(org))}</p>"
        f"<p><strong>{html.escape(str(info['description']))}</strong></p>"
        f"<p class='muted'>Ссылка действует до {html.escape(str(info['expiry_date']))}</p>"
        f'<form method="post" action="{html.escape(request.path)}">'
        f'<input type="hidden" name="link" value="{html.escape(link)}">'
        f'<label class="muted" for="iin">ИИН владельца ключа</label>'
        f'<input id="iin" name="iin" value="{html.escape(iin)}" inputmode="numeric" maxlength="12">'
        "<button type=submit>Подписать</button></form>"
    )
    return _page(body)


async def _sign(request: web.Request) -> web.Response:
    form = await request.post()
    link, iin = str(form.get("link", "")), str(form.get("iin", "")).strip()
    if not service_url_from(link).startswith(request.app[SERVICE_KEY].base_url + "/requests/"):
        return _page('<p class="error">Это не запрос на подпись этого сервиса.</p>', status=400)  # no other URL
    if not (len(iin) == 12 and iin.isdigit()):
        return _page('<p class="error">ИИН: 12 цифр.</p>', status=400)
    try:
        signer = request.app[CA_KEY].signer(iin, request.app[POLICY_KEY])
    except SigningError as exc:
        return _page(f'<p class="error">{html.escape(exc.message)}</p>', status=400)
    async with aiohttp.ClientSession() as session:
        status, answer = await PhoneSimulator(session, signer).sign(service_url_from(link))
    if status == 200:
        return _page('<p class="ok"><strong>Подписано.</strong> Вернитесь в чат: статус придёт туда.</p>')
    message = answer.get("message") if isinstance(answer, dict) else None
    return _page(f'<p class="error">Не подписано ({status}): {html.escape(str(message or answer))}</p>', status=status)


def add_phone_simulator(
    app: web.Application, service: EgovMobileService, ca: SandboxCA, policy: CertificatePolicy
) -> None:
    """Add ``GET|POST /phone`` to the eGov sub-app ``app`` (before it is mounted)."""
    app[SERVICE_KEY] = service
    app[CA_KEY] = ca
    app[POLICY_KEY] = policy
    app.router.add_get(PHONE_PATH, _show)
    app.router.add_post(PHONE_PATH, _sign)


def phone_link(phone_url: str, service_url: str) -> str:
    """The simulated phone's page for an API 1 URL."""
    return f"{phone_url}?link={quote(service_url, safe='')}"
