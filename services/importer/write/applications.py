"""Writing programs, groups and applications; status and group changes through the workflow."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import Application, Channel, Group, HistoryAction, HistoryEntry, Program, Status
from services import importer
from services.importer.columns import Col
from services.importer.records import _Change, _chunks, _Group, _Program
from services.importer.report import GroupMove, Transition
from services.importer.write.writer import _refusal, _Writer, _WriteState
from services.labels import STATUS_LABELS
from services.workflow import Actor, WorkflowError, change_group, change_status

# The tunables (`WRITE_CHUNK`, `READ_CHUNK`, ...) are read from the package at call time, so
# that setting them on `services.importer` (as the tests do) takes effect here.


class _WriteApplications(_WriteState):
    """Programs, groups and applications of a plan: bulk writes and workflow changes."""

    async def _write_programs(self, writer: _Writer) -> None:
        def values(program: _Program) -> dict[str, Any]:
            return {
                "title": program.title,
                "hours": program.hours,
                "form": program.form,
                "categories": program.categories,
                "competencies": program.competencies,
                "provider": program.provider,
            }

        new = [program for program in self.programs.values() if program.id is None]
        by_title = {program.title: program for program in new}
        inserted = await writer.insert(Program, [values(p) for p in new], Program.title)
        for program_id, title in inserted:
            by_title[title].id = program_id
        await writer.update(
            Program,
            [{"id": p.id, **values(p)} for p in self.programs.values() if p.dirty],
        )

        def group_values(group: _Group) -> dict[str, Any]:
            start, end = group.study or (None, None)
            return {
                "program_id": group.program.id,
                "name": group.name,
                "description": group.description,
                "study_start": start,
                "study_end": end,
            }

        new_groups = [group for group in self.groups.values() if group.id is None]
        by_key = {(group.program.id, group.name): group for group in new_groups}
        inserted = await writer.insert(
            Group, [group_values(g) for g in new_groups], Group.program_id, Group.name
        )
        for group_id, program_id, name in inserted:
            by_key[(program_id, name)].id = group_id
        await writer.update(
            Group,
            [{"id": g.id, **group_values(g)} for g in self.groups.values() if g.dirty],
        )

    async def _write_applications(self, writer: _Writer) -> None:
        session, now = self.session, self.now
        rows = [
            {
                "number": new.row.number,
                "applicant_id": new.applicant.id,
                "organization_id": new.org.id,
                "kind": new.row.kind,
                "group_id": new.group.id,
                "status": new.row.status,
                "submitted_on": new.row.submitted_on,
                "created_at": now,
                "updated_at": now,
            }
            for new in self.new_applications
        ]
        ids: dict[int, int] = {}
        for application_id, number in await writer.insert(Application, rows, Application.number):
            ids[number] = application_id
        history = [
            {
                "application_id": ids[new.row.number],
                "created_at": now,
                "actor_id": None,
                "on_behalf_of_id": None,
                "actor_role": "system",
                "channel": Channel.IMPORT,
                "action": HistoryAction.CREATED,
                "from_value": None,
                "to_value": new.row.status.value,
                "comment": None,
            }
            for new in self.new_applications
        ]
        await writer.insert(HistoryEntry, history)
        self.report.new_applications.extend(
            ids[new.row.number] for new in self.new_applications if new.row.status is Status.NEW
        )

        await writer.update(
            Application,
            [
                {
                    "id": change.stored.id,
                    "organization_id": change.org.id,
                    "kind": change.row.kind,
                    "submitted_on": change.row.submitted_on or change.stored.submitted_on,
                    "updated_at": now,
                }
                for change in self.changes
                if change.fields
            ],
            count=False,
        )
        # Status and group changes go through the workflow one by one: history, and whatever
        # else the workflow does on a change (notifications), stay in one place.
        moving = [c for c in self.changes if c.group is not None or c.status is not None]
        actor = Actor.system(Channel.IMPORT)
        for chunk in _chunks(moving, importer.WORKFLOW_CHUNK):
            loaded = {
                application.id: application
                for application in await session.scalars(
                    select(Application)
                    .where(Application.id.in_([change.stored.id for change in chunk]))
                    .execution_options(populate_existing=True)
                )
            }
            for change in chunk:
                application = loaded[change.stored.id]
                await self._apply(application, change, actor)
            writer.advance(len(chunk))
        writer.advance(len(self.changes) - len(moving))

    async def _apply(self, application: Application, change: _Change, actor: Actor) -> None:
        row = change.row
        try:
            if change.group is not None:
                assert change.group.id is not None
                moved = await change_group(
                    self.session, application, change.group.id, actor, now=self.now
                )
                self.report.group_changes.append(
                    GroupMove(row.number, moved.old_group.name, moved.new_group.name)
                )
        except WorkflowError as exc:
            self.problems.error(row.sheet, row.line, Col.GROUP, row.group, _refusal(exc))
            return
        try:
            if change.status is not None:
                done = await change_status(
                    self.session,
                    application,
                    change.status,
                    actor,
                    seen=change.stored.status,
                    now=self.now,
                )
                self.report.transitions.append(Transition(row.number, done.old, done.new))
        except WorkflowError as exc:
            self.problems.error(
                row.sheet, row.line, Col.STATUS, STATUS_LABELS[row.status], _refusal(exc)
            )
