"""Write the demo data that the online-status tool and the examples load into the stand-in.

Usage: ``python examples/make_demo_seed.py [OUTPUT]`` (default: ``demo-seed.json`` beside this
script). The output is deterministic: every id and time comes from one seeded
``random.Random``, so running the script again reproduces the committed file byte for byte.
Change ``SEED`` or the tables below only on purpose, because tests check the seeded ids.

The file is in the stand-in's seed format: ``{"users": [...]}``, each user with ``id``,
``name``, ``display_name`` and ``sessions`` (``id`` and ``created_at``, oldest first).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 20260430

# The busy account that makes paging visible: its session count is well above the maximum
# page size of 100, so even the largest page leaves a next page.
BUSY_USER_NAME = "support-desk"
BUSY_USER_SESSIONS = 240

# Lower-case handles (the names that tokens carry in ``sub``) and display names.
USERS: tuple[tuple[str, str], ...] = (
    ("amara.okafor", "Amara Okafor"),
    ("zoe.muller", "Zoë Müller"),
    ("nguyen.thi.mai", "Nguyễn Thị Mai"),
    ("wang.fang", "王芳"),
    ("sergei.ivanov", "Сергей Иванов"),
    ("aiko.tanaka", "田中 愛子"),
    ("joao.silva", "João Silva"),
    ("sofia.garcia", "Sofía García"),
    ("soren.nielsen", "Søren Nielsen"),
    ("priya.raman", "Priya Raman"),
    ("kwame.mensah", "Kwame Mensah"),
    ("chloe.dubois", "Chloé Dubois"),
    ("matteo.rossi", "Matteo Rossi"),
    ("ewa.kowalska", "Ewa Kowalska"),
    ("olumide.adeyemi", "Olúmídé Adéyẹmí"),
    ("jiwoo.kim", "김지우"),
    ("hiroshi.sato", "Hiroshi Satō"),
    ("ayse.yilmaz", "Ayşe Yılmaz"),  # noqa: RUF001 - the Turkish dotless i is intended
    ("omar.haddad", "Omar Haddad"),
    ("noa.levi", "Noa Levi"),
    ("ingrid.johansson", "Ingrid Johansson"),
    ("tomas.novak", "Tomáš Novák"),
    ("lucia.fernandez", "Lucía Fernández"),
    ("rahul.verma", "Rahul Verma"),
    ("thandiwe.dlamini", "Thandiwe Dlamini"),
    ("eleni.papadopoulou", "Ελένη Παπαδοπούλου"),
    ("diego.morales", "Diego Morales"),
    ("anna.virtanen", "Anna Virtanen"),
    ("liam.obrien", "Liam O'Brien"),
    ("aroha.ngata", "Aroha Ngata"),
    ("camila.souza", "Camila Souza"),
    ("yusuf.demir", "Yusuf Demir"),
    (BUSY_USER_NAME, "Support Desk"),
)

# Open sessions per ordinary user, 0 to 3, with "offline" the most common case.
SESSION_COUNT_WEIGHTS = {0: 5, 1: 4, 2: 2, 3: 1}

# Sessions were opened during the last day before the service was switched off.
SESSION_WINDOW_END = datetime(2026, 4, 29, 18, 0, tzinfo=UTC)
SESSION_WINDOW = timedelta(hours=24)

DEFAULT_OUTPUT = Path(__file__).with_name("demo-seed.json")


def make_id(rng: random.Random, prefix: str) -> str:
    """Return ``PREFIX-<uuid4>`` built from the generator, so it is the same on every run."""
    return f"{prefix}-{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def make_sessions(rng: random.Random, count: int) -> list[dict[str, str]]:
    """Return ``count`` sessions, oldest first, opened at whole seconds inside the window."""
    window_seconds = int(SESSION_WINDOW.total_seconds())
    offsets = sorted(rng.sample(range(window_seconds), count))
    start = SESSION_WINDOW_END - SESSION_WINDOW
    sessions = []
    for offset in offsets:
        created = start + timedelta(seconds=offset)
        sessions.append(
            {"id": make_id(rng, "SES"), "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ")}
        )
    return sessions


def make_seed(seed: int = SEED) -> dict[str, list[dict[str, object]]]:
    """Build the seed document: every user of ``USERS`` with a deterministic id and sessions."""
    rng = random.Random(seed)
    counts = list(SESSION_COUNT_WEIGHTS)
    weights = list(SESSION_COUNT_WEIGHTS.values())
    users: list[dict[str, object]] = []
    for name, display_name in USERS:
        user_id = make_id(rng, "USR")
        # The busy user draws no count, so adding sessions to it leaves other users alone.
        count = BUSY_USER_SESSIONS if name == BUSY_USER_NAME else rng.choices(counts, weights)[0]
        users.append(
            {
                "id": user_id,
                "name": name,
                "display_name": display_name,
                "sessions": make_sessions(rng, count),
            }
        )
    return {"users": users}


def render_seed(document: dict[str, list[dict[str, object]]]) -> str:
    """Serialise the document as UTF-8-ready JSON text, one key order, ending in a newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the seed file and print a one-line summary on stderr."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "output",
        nargs="?",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"where to write the JSON (default: {DEFAULT_OUTPUT.name} beside this script)",
    )
    arguments = parser.parse_args(argv)

    document = make_seed()
    arguments.output.write_text(render_seed(document), encoding="utf-8")

    users = document["users"]
    online = sum(1 for user in users if user["sessions"])
    print(
        f"Wrote {arguments.output}: {len(users)} users, {online} of them with sessions.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
