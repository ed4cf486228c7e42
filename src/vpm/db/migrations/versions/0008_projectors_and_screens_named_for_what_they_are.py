"""projectors and screens named for what they are

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:55:00.000000

Reviewed: renames, keeps every row. The device kind that is a projector was stored as
`projection_screen` in table `projection_screens`, and the screen it throws onto as
`projection_surface` in `projection_surfaces`:

* table `projection_screens` -> `projectors`, its column `surface_id` -> `screen_id`, and its
  primary and foreign keys' names with it (`pk_projectors`, `fk_projectors_id_devices`,
  `fk_projectors_lens_spec_id_equipment_specs`, `fk_projectors_screen_id_devices`);
* table `projection_surfaces` -> `screens` (`pk_screens`, `fk_screens_id_devices`);
* `devices.kind` and the change log's `events.entity_type` -> `projector` / `screen`; the logged
  changes and read shapes of those rows name `screen_id` instead of `surface_id`, and revisions'
  snapshots likewise, so history, undo and "changes since Rev B" keep reading.

PostgreSQL renames in place (the primary key's index follows its constraint). SQLite keeps
constraint names inside the table's SQL, so there the table is made anew under its new name, the
rows copied in one statement, and the old table dropped. The downgrade is the mirror image.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None
#: A migration that drops or rewrites data sets this to True; `vpm db upgrade` then needs --force.
destructive = False

#: (old, new) device kinds, which are also the change log's entity types.
KINDS = (("projection_screen", "projector"), ("projection_surface", "screen"))
FIELDS = (("surface_id", "screen_id"),)
_SCREEN_COLUMNS = (
    "id, width_m, height_m, bezel_h_m, bezel_v_m, surface_type, gain_factor, aspect_constraint, dist_floor_m,"
    " pos_ds_x_m, pos_ds_y_m, pos_ds_z_m, rot_x, rot_y, rot_z, ambient_lux, mattes, projector_assignments"
)


def _projector_table(name: str, screen_column: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('placement', sa.String(length=20), nullable=True),
    sa.Column('h_res', sa.Integer(), nullable=True),
    sa.Column('v_res', sa.Integer(), nullable=True),
    sa.Column('rate', sa.Float(), nullable=True),
    sa.Column('lens_spec_id', sa.Uuid(), nullable=True),
    sa.Column(screen_column, sa.Uuid(), nullable=True),
    sa.Column('stack_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['devices.id'], name=op.f(f'fk_{name}_id_devices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lens_spec_id'], ['equipment_specs.id'], name=op.f(f'fk_{name}_lens_spec_id_equipment_specs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint([screen_column], ['devices.id'], name=op.f(f'fk_{name}_{screen_column}_devices'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )


def _screen_table(name: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('width_m', sa.Float(), nullable=True),
    sa.Column('height_m', sa.Float(), nullable=True),
    sa.Column('bezel_h_m', sa.Float(), nullable=True),
    sa.Column('bezel_v_m', sa.Float(), nullable=True),
    sa.Column('surface_type', sa.String(length=16), nullable=False),
    sa.Column('gain_factor', sa.Float(), nullable=False),
    sa.Column('aspect_constraint', sa.String(length=20), nullable=True),
    sa.Column('dist_floor_m', sa.Float(), nullable=True),
    sa.Column('pos_ds_x_m', sa.Float(), nullable=True),
    sa.Column('pos_ds_y_m', sa.Float(), nullable=True),
    sa.Column('pos_ds_z_m', sa.Float(), nullable=True),
    sa.Column('rot_x', sa.Float(), nullable=True),
    sa.Column('rot_y', sa.Float(), nullable=True),
    sa.Column('rot_z', sa.Float(), nullable=True),
    sa.Column('ambient_lux', sa.Float(), nullable=True),
    sa.Column('mattes', sa.JSON(), nullable=True),
    sa.Column('projector_assignments', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['id'], ['devices.id'], name=op.f(f'fk_{name}_id_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )


def _move_tables(pj: tuple[str, str], screen: tuple[str, str], field: tuple[str, str]) -> None:
    """Projector table pj[0] -> pj[1] (its screen column field[0] -> field[1]), screen table
    screen[0] -> screen[1], constraint names following the table names."""
    if op.get_bind().dialect.name == 'postgresql':
        op.rename_table(pj[0], pj[1])
        op.alter_column(pj[1], field[0], new_column_name=field[1])
        for tail in ('id_devices', 'lens_spec_id_equipment_specs'):
            op.execute(f'ALTER TABLE {pj[1]} RENAME CONSTRAINT fk_{pj[0]}_{tail} TO fk_{pj[1]}_{tail}')
        op.execute(
            f'ALTER TABLE {pj[1]} RENAME CONSTRAINT fk_{pj[0]}_{field[0]}_devices TO fk_{pj[1]}_{field[1]}_devices'
        )
        op.execute(f'ALTER TABLE {pj[1]} RENAME CONSTRAINT pk_{pj[0]} TO pk_{pj[1]}')
        op.rename_table(screen[0], screen[1])
        op.execute(f'ALTER TABLE {screen[1]} RENAME CONSTRAINT fk_{screen[0]}_id_devices TO fk_{screen[1]}_id_devices')
        op.execute(f'ALTER TABLE {screen[1]} RENAME CONSTRAINT pk_{screen[0]} TO pk_{screen[1]}')
        return
    columns = 'id, placement, h_res, v_res, rate, lens_spec_id, {}, stack_count'
    _projector_table(pj[1], field[1])
    op.execute(f'INSERT INTO {pj[1]} ({columns.format(field[1])}) SELECT {columns.format(field[0])} FROM {pj[0]}')
    op.drop_table(pj[0])
    _screen_table(screen[1])
    op.execute(f'INSERT INTO {screen[1]} ({_SCREEN_COLUMNS}) SELECT {_SCREEN_COLUMNS} FROM {screen[0]}')
    op.drop_table(screen[0])


def _renamed(value: Any, kinds: dict[str, str], fields: dict[str, str]) -> Any:
    """A logged row (``{field: ...}``) with renamed field names and kind values."""
    if not isinstance(value, dict):
        return value
    out = {fields.get(k, k): v for k, v in value.items()}
    if out.get('kind') in kinds:
        out['kind'] = kinds[out['kind']]
    return out


def _rename_names(kinds: dict[str, str], fields: dict[str, str]) -> None:
    """Device kinds, the change log's entity types and what it logged, revisions' snapshots."""
    bind = op.get_bind()
    devices = sa.table('devices', sa.column('kind', sa.String))
    events = sa.table(
        'events',
        sa.column('id', sa.Integer),
        sa.column('entity_type', sa.String),
        sa.column('changes', sa.JSON),
        sa.column('data', sa.JSON),
    )
    revisions = sa.table('revisions', sa.column('id', sa.Uuid), sa.column('snapshot', sa.JSON))
    for old, new in kinds.items():
        bind.execute(devices.update().where(devices.c.kind == old).values(kind=new))
    rows = bind.execute(
        sa.select(events.c.id, events.c.entity_type, events.c.changes, events.c.data).where(
            events.c.entity_type.in_(list(kinds))
        )
    ).all()
    for id_, entity_type, changes, data in rows:
        bind.execute(
            events.update()
            .where(events.c.id == id_)
            .values(
                entity_type=kinds[entity_type],
                changes=_renamed(changes, {}, fields),
                data=_renamed(data, kinds, fields),
            )
        )
    for id_, snapshot in bind.execute(sa.select(revisions.c.id, revisions.c.snapshot)).all():
        devs = (snapshot or {}).get('devices')
        if not devs:
            continue
        fresh = {**snapshot, 'devices': {k: _renamed(v, kinds, fields) for k, v in devs.items()}}
        if fresh != snapshot:
            bind.execute(revisions.update().where(revisions.c.id == id_).values(snapshot=fresh))


def upgrade() -> None:
    _move_tables(('projection_screens', 'projectors'), ('projection_surfaces', 'screens'), FIELDS[0])
    _rename_names(dict(KINDS), dict(FIELDS))


def downgrade() -> None:
    _rename_names({new: old for old, new in KINDS}, {new: old for old, new in FIELDS})
    _move_tables(('projectors', 'projection_screens'), ('screens', 'projection_surfaces'), FIELDS[0][::-1])
