"""The sandbox's time sources (shared with the other sandboxes: ``integrations.common.clock``)."""

from integrations.common.clock import Clock, ManualClock, SystemClock

__all__ = ["Clock", "ManualClock", "SystemClock"]
