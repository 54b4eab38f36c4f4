"""The gateway's routing rules, each on its own: the model, capability, personal data, load."""

from __future__ import annotations

from bot.gateway.models import Capability, Reason, Zone
from bot.gateway.router import Health, RoutePolicy, RouteRequest, UpstreamView, route

LOCAL = UpstreamView("local", Zone.PRIVATE, ("qwen-7b",), 4096)
BIG = UpstreamView("big", Zone.PRIVATE, ("qwen-72b",), 32768)
CLOUD = UpstreamView("cloud", Zone.EXTERNAL, ("gpt-big",), 128000)
OPEN = RoutePolicy(allow_external=True)


def ask(
    model: str = "perimeter",
    *,
    personal: bool = False,
    tokens: int = 500,
    caps: tuple[Capability, ...] = (),
) -> RouteRequest:
    return RouteRequest(model, personal, tokens, caps)


def test_the_local_model_by_default() -> None:
    decision = route(ask(), [LOCAL, BIG, CLOUD], OPEN)
    assert (decision.upstream, decision.reasons) == ("local", (Reason.LOCAL,))


def test_a_named_model_goes_to_the_upstream_that_serves_it() -> None:
    assert route(ask("qwen-72b"), [LOCAL, BIG, CLOUD], OPEN).upstream == "big"
    decision = route(ask("gpt-big"), [LOCAL, BIG, CLOUD], OPEN)
    assert (decision.upstream, decision.reason) == ("cloud", "named_model")
    assert not decision.pseudonymize


def test_external_upstreams_are_off_unless_allowed() -> None:
    decision = route(ask("gpt-big"), [LOCAL, BIG, CLOUD], RoutePolicy())
    assert decision.upstream == "local"


def test_personal_data_never_goes_to_an_external_upstream() -> None:
    decision = route(ask("gpt-big", personal=True), [LOCAL, BIG, CLOUD], OPEN)
    assert decision.upstream == "local"
    assert decision.reasons == (Reason.NAMED_MODEL, Reason.PII_PRIVATE)
    assert not decision.pseudonymize


def test_personal_data_may_go_out_pseudonymized_when_the_setting_says_so() -> None:
    policy = RoutePolicy(allow_external=True, redact_for_external=True)
    decision = route(ask("gpt-big", personal=True), [LOCAL, BIG, CLOUD], policy)
    assert (decision.upstream, decision.pseudonymize) == ("cloud", True)
    assert Reason.PII_PSEUDONYMIZED in decision.reasons
    # ...never when external upstreams are off
    closed = RoutePolicy(redact_for_external=True)
    assert route(ask("gpt-big", personal=True), [LOCAL, CLOUD], closed).upstream == "local"


def test_a_long_request_goes_to_an_upstream_with_the_context() -> None:
    decision = route(ask(tokens=20000), [LOCAL, BIG, CLOUD], OPEN)
    assert (decision.upstream, decision.reasons) == ("big", (Reason.LOCAL, Reason.LONG_CONTEXT))
    # personal data: only the private one with the context
    assert route(ask(tokens=20000, personal=True), [LOCAL, BIG, CLOUD], OPEN).upstream == "big"
    # longer than every private context, personal: refused, never sent out
    refused = route(ask(tokens=100000, personal=True), [LOCAL, BIG, CLOUD], OPEN)
    assert (refused.upstream, refused.status) == (None, 400)
    assert refused.reasons[-1] is Reason.REFUSED_TOO_LONG
    # the same, free of personal data: the external one has the context
    assert route(ask(tokens=100000), [LOCAL, BIG, CLOUD], OPEN).upstream == "cloud"


def test_a_key_with_long_context_prefers_the_longest() -> None:
    caps = (Capability.LONG_CONTEXT,)
    assert route(ask(caps=caps), [LOCAL, BIG, CLOUD], OPEN).upstream == "cloud"
    assert route(ask(caps=caps, personal=True), [LOCAL, BIG, CLOUD], OPEN).upstream == "big"


def busy(view: UpstreamView, health: Health) -> UpstreamView:
    return UpstreamView(view.name, view.zone, view.models, view.context_tokens, health)


def test_overload_falls_back_when_the_data_rules_allow() -> None:
    policy = RoutePolicy(allow_external=True, fallback="cloud")
    ups = [busy(LOCAL, Health.OVERLOADED), BIG, CLOUD]
    decision = route(ask(), ups, policy)
    assert (decision.upstream, decision.reasons) == (
        "cloud",
        (Reason.LOCAL, Reason.FALLBACK_OVERLOADED),
    )
    refused = route(ask(personal=True), ups, policy)  # personal: the cloud is not allowed
    assert (refused.upstream, refused.status) == (None, 429)
    assert refused.reasons[-1] is Reason.REFUSED_OVERLOADED


def test_down_falls_back_to_a_private_upstream_even_with_personal_data() -> None:
    policy = RoutePolicy(fallback="big")
    decision = route(ask(personal=True), [busy(LOCAL, Health.DOWN), BIG], policy)
    assert decision.upstream == "big"
    assert decision.reasons == (Reason.LOCAL, Reason.FALLBACK_DOWN, Reason.PII_PRIVATE)
    gone = route(ask(), [busy(LOCAL, Health.DOWN), busy(BIG, Health.DOWN)], policy)
    assert (gone.upstream, gone.status, gone.reasons[-1]) == (None, 503, Reason.REFUSED_DOWN)
