"""``claimdesk stories``: the reports of one unfolding event, grouped across outlets."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from claimdesk.commands.common import common_parent, open_session, print_data, say, say_report
from store.errors import ClaimdeskError, NotFound
from store.stories.queries import Story

if TYPE_CHECKING:
    from store.session import Session
    from store.stories.corrections import StoryRef


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "stories",
        parents=[common_parent()],
        description=(
            "List the stories of two or more documents: their documents, outlets, dates"
            " and a label of their most informative title words. Stories are recomputed"
            " after `import` and `link`; corrections (--move, --split, --merge) are kept"
            " across recomputation and undone with the reader's undo."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print one JSON list")
    parser.add_argument("--all", action="store_true", help="also list single documents")
    parser.add_argument(
        "--refresh", action="store_true", help="recompute the stories before listing them"
    )
    parser.add_argument(
        "--move",
        nargs=2,
        metavar=("DOC", "TARGET"),
        help="move document DOC into the story of TARGET (a document name or a story id)",
    )
    parser.add_argument(
        "--split",
        nargs="+",
        metavar="DOC",
        help="take these documents (all of one story) out into a story of their own",
    )
    parser.add_argument(
        "--merge",
        nargs=2,
        metavar=("A", "B"),
        help="merge the story of B into the story of A (document names or story ids)",
    )
    parser.set_defaults(handler=run)
    return parser


def _story_json(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "label": story.label,
        "documents": [d.source_name for d in story.documents],
        "outlets": story.outlets,
    }


def render(stories: list[Story]) -> list[str]:
    lines: list[str] = []
    for story in stories:
        dates = story.dates
        span = f"{dates[0]} – {dates[-1]}" if len(dates) > 1 else (dates[0] if dates else "undated")
        lines.append(
            f"{story.id}  {story.label}  ({len(story.documents)} document(s),"
            f" {len(story.outlets)} outlet(s), {span})"
        )
        for doc in story.documents:
            lines.append(
                f"  {(doc.published or '')[:10]:<10}  {(doc.outlet or '-')[:24]:<24}"
                f"  {doc.source_name}  {doc.title or ''}".rstrip()
            )
    return lines or ["no stories of two or more documents"]


def _refuse_without_story(session: Session, name: str, ref: StoryRef) -> None:
    if isinstance(ref, str):
        if not session.story_exists(ref):
            raise NotFound(f"no story {ref!r}")
    elif session.story_of(ref) is None:
        raise ClaimdeskError(f"{name}: no story yet; run `claimdesk stories --refresh`")


def _grouped(args: argparse.Namespace) -> bool:
    """Whether the database has its stories already, so that listing them writes nothing."""
    with open_session(args, create=False, reading=True) as session:
        return session.story_exists()


def run(args: argparse.Namespace) -> int:
    correcting = bool(args.refresh or args.move or args.split or args.merge)
    reading = not correcting and _grouped(args)
    # A mistyped --db is an error, not a new empty database with no stories.
    with open_session(args, create=False, reading=reading) as session:
        db = session.db

        # Every name is looked up before anything changes, and the corrections are
        # then stored as one action (one undo): a bad name refuses the whole command.
        named: dict[str, StoryRef] = {}

        def document(name: str) -> int:
            doc_id = session.find_document(name).id
            named[name] = doc_id
            return doc_id

        def story_ref(name: str) -> StoryRef:
            # A document may be called story-notes.txt: a name that is no story's id is
            # looked up as a document before it is refused.
            if name.startswith("story-") and session.story_exists(name):
                named[name] = name
                return name
            try:
                return document(name)
            except NotFound:
                if not name.startswith("story-"):
                    raise
            raise NotFound(f"no story or document {name!r}")

        move = (document(args.move[0]), story_ref(args.move[1])) if args.move else None
        split = [document(name) for name in args.split] if args.split else None
        merge = (story_ref(args.merge[0]), story_ref(args.merge[1])) if args.merge else None
        if args.refresh or not session.story_exists():
            from store.stories.storage import refresh_stories

            refresh_stories(db)
        for name, ref in named.items():
            _refuse_without_story(session, name, ref)
        session.correct_stories(move=move, split=split, merge=merge)
        stories = session.stories(include_single=args.all)
        ungrouped = session.ungrouped_documents()
    if args.json:
        print_data(json.dumps([_story_json(s) for s in stories], ensure_ascii=False))
    else:
        say_report(render(stories))
    if ungrouped:
        # The listing counted only grouped documents and said nothing of the others.
        say(
            f"claimdesk: note: {ungrouped} document(s) are in no story yet;"
            " claimdesk stories --refresh groups them",
            err=True,
        )
    return 0
