"""Write alertbot/web/static/beep.wav: the console's new-incident sound.

Two short tones (880 Hz then 660 Hz, 0.12 s each) at 8 kHz, 8-bit mono PCM, with a few
milliseconds of fade so they do not click: about two kilobytes, made here rather than
downloaded. Deterministic: running it again writes the same bytes.
"""

from __future__ import annotations

import math
import wave
from pathlib import Path

RATE = 8000  # samples a second
TONES = ((880.0, 0.12), (660.0, 0.12))  # (Hz, seconds)
FADE = 0.01  # seconds of fade in and out of each tone
TARGET = Path(__file__).resolve().parent.parent / "alertbot" / "web" / "static" / "beep.wav"


def samples() -> bytes:
    out = bytearray()
    for freq, seconds in TONES:
        n = int(RATE * seconds)
        fade = int(RATE * FADE)
        for i in range(n):
            envelope = min(1.0, i / fade, (n - i) / fade)
            value = math.sin(2 * math.pi * freq * i / RATE) * envelope * 0.6
            out.append(128 + round(value * 127))
    return bytes(out)


def main() -> None:
    with wave.open(str(TARGET), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(RATE)
        wav.writeframes(samples())
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
