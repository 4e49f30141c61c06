"""The pure core: rules over frozen values, with reasons; no I/O, no clock, no logging.

``who``: every "who may" question (report, respond, add, which school, which fallback,
press 0, PINs). ``limits``: how many incidents one sender may open (decision 0013).
"""
