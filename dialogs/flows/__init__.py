"""One module per flow; ``registry()`` maps flow names (``dialogs.states.Flow``) to their handlers."""

from __future__ import annotations

from dialogs.flows.base import FlowHandler


def registry() -> dict[str, FlowHandler]:
    from dialogs.flows import (
        consult,
        deadlines,
        documents,
        entries,
        erase,
        esf,
        filing,
        help,
        language,
        link,
        menu,
        notices,
        onboarding,
        payment,
        registration,
        settings,
        signing_key,
        summary,
        taxes,
    )

    handlers: list[FlowHandler] = [
        menu.MenuFlow(),
        onboarding.OnboardingFlow(),
        entries.EntryFlow("income"),
        entries.EntryFlow("expense"),
        taxes.TaxesFlow(),
        deadlines.DeadlinesFlow(),
        summary.SummaryFlow(),
        settings.SettingsFlow(),
        help.HelpFlow(),
        erase.EraseFlow(),
        consult.ConsultFlow(),
        language.LanguageFlow(),
        filing.FilingFlow(),
        payment.PaymentFlow(),
        payment.SubscriptionFlow(),
        link.LinkFlow(),
        documents.DocumentFlow(),
        notices.NoticeFlow(),
        registration.RegistrationFlow(),
        signing_key.KeyFlow(),
        esf.EsfFlow(),
    ]
    return {h.name: h for h in handlers}
