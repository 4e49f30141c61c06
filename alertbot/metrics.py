"""Prometheus metrics, on a registry of the app's own (no module-level globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.05, 0.1, 0.25, 0.5,
                   1, 2, 5, 10, 30, 60)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.incidents_opened = Counter(
            "alertbot_incidents_opened", "Incidents opened", ["type", "source"], registry=r)
        self.pages_sent = Counter(
            "alertbot_messages_sent", "Outbox messages handed to a provider, by result",
            ["channel", "kind", "result"], registry=r)
        self.first_page_latency = Histogram(
            "alertbot_trigger_to_first_page_seconds",
            "Time from an incident opening to its first page accepted by a provider "
            "(once per incident)",
            buckets=LATENCY_BUCKETS, registry=r)
        self.time_to_ack = Histogram(
            "alertbot_time_to_acknowledge_seconds", "Time from opening to acknowledgement",
            buckets=(10, 30, 60, 120, 300, 600, 1800, 3600), registry=r)
        self.acknowledgements = Counter(
            "alertbot_acknowledgements", "Acknowledgements", ["source"], registry=r)
        self.inbound = Counter(
            "alertbot_inbound_requests", "Inbound webhooks", ["route", "result"], registry=r)
        self.inbound_duplicates = Counter(
            "alertbot_inbound_duplicates", "Webhooks delivered again and not re-applied",
            registry=r)
        self.engine_cycles = Counter(
            "alertbot_engine_cycles", "Engine loop cycles", registry=r)
        self.engine_errors = Counter(
            "alertbot_engine_errors", "Engine module failures", ["module"], registry=r)
        self.page_lateness = Histogram(
            "alertbot_escalation_lateness_seconds",
            "How late an escalation step fired after its due time",
            buckets=LATENCY_BUCKETS, registry=r)
        self.loop_lag = Histogram(
            "alertbot_event_loop_lag_seconds",
            "How much later than asked the event loop ran a 100 ms timer",
            buckets=LATENCY_BUCKETS, registry=r)
        self.open_incidents = Gauge(
            "alertbot_open_incidents", "Incidents not yet resolved", registry=r)
        # --- issue 14 (drills-watch) ---
        self.drills = Counter(
            "alertbot_drills", "Scheduled drill slots, by result (started, missed, ended)",
            ["result"], registry=r)
        self.heartbeats = Counter(
            "alertbot_heartbeats", "Heartbeat requests to ALERTBOT_HEARTBEAT_URL, by result "
            "(ok, failed: not reached or not 2xx, skipped: the engine or database was not "
            "healthy, so none was sent)", ["result"], registry=r)
        self.circuit_open = Gauge(
            "alertbot_provider_circuit_open",
            "1 while the provider circuit of a channel is open or half-open (sends held)",
            ["channel"], registry=r)
        # Set by `alertbot readiness` / the readiness check (issue 14, parts 1 and 4):
        # escalation steps that can reach nobody right now.
        self.unreachable_steps = Gauge(
            "alertbot_readiness_unreachable_steps",
            "Escalation steps whose people are all unreachable now (opted out, no usable "
            "channel, away)", registry=r)
