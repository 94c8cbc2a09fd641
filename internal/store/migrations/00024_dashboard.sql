-- Region dashboards (issue 20). The figures of every region, from the nation down to the
-- village, are rebuilt from the base tables into a new build (dashboard_builds) and swapped in by
-- marking the build ready: a reader takes the newest ready build, so it never sees one half
-- built; older builds are deleted after the swap. dashboard_figures holds what stands at the
-- build (Bumdes, agents, participants by status, claims pending); dashboard_months what flowed in
-- each month (a row per region and year) (acquisitions, contributions, claims paid, incentives); dashboard_units the same
-- flows per agent and per wadah, for rankings. Potential and targets are entered, each figure
-- with its source and year. Every table is keyed by province (the nation's own row has '').

-- +goose Up
CREATE TABLE dashboard_builds (
    id          BIGINT PRIMARY KEY,
    state       TEXT NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    as_of       DATE NOT NULL
);

CREATE TABLE dashboard_figures (
    province_code       TEXT NOT NULL,
    build_id            BIGINT NOT NULL,
    region_code         TEXT NOT NULL,
    parent_code         TEXT NOT NULL,
    bumdes              BIGINT NOT NULL,
    bumdes_participants BIGINT NOT NULL,
    wadah_in_force      BIGINT NOT NULL,
    active_agents       BIGINT NOT NULL,
    waiting             BIGINT NOT NULL,
    active              BIGINT NOT NULL,
    arrears             BIGINT NOT NULL,
    ended               BIGINT NOT NULL,
    claims_pending      BIGINT NOT NULL,
    PRIMARY KEY (province_code, build_id, region_code)
);
CREATE INDEX dashboard_figures_parent ON dashboard_figures (build_id, parent_code);

-- A year of one region's flows per row: each flow as its twelve months, comma-separated
-- (January first). A row per month was twelve times the rows to write for the 83,762 villages,
-- and writing them was most of a rebuild.
CREATE TABLE dashboard_months (
    province_code      TEXT NOT NULL,
    build_id           BIGINT NOT NULL,
    region_code        TEXT NOT NULL,
    parent_code        TEXT NOT NULL,
    year               INTEGER NOT NULL,
    acquired           TEXT NOT NULL,
    collected          TEXT NOT NULL,
    sponsored          TEXT NOT NULL,
    claims_paid        TEXT NOT NULL,
    claims_paid_amount TEXT NOT NULL,
    incentives         TEXT NOT NULL,
    PRIMARY KEY (province_code, build_id, region_code, year)
);
CREATE INDEX dashboard_months_parent ON dashboard_months (build_id, parent_code, year);

CREATE TABLE dashboard_units (
    province_code TEXT NOT NULL,
    build_id      BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    unit_id       BIGINT NOT NULL,
    month         INTEGER NOT NULL,
    branch_id     BIGINT NOT NULL,
    village_code  TEXT NOT NULL,
    acquired      BIGINT NOT NULL,
    collected     BIGINT NOT NULL,
    PRIMARY KEY (province_code, build_id, kind, unit_id, month)
);
CREATE INDEX dashboard_units_village ON dashboard_units (build_id, kind, village_code, month);

CREATE TABLE region_potential (
    province_code TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    year          INTEGER NOT NULL,
    workers       BIGINT NOT NULL,
    source        TEXT NOT NULL,
    entered_by    TEXT NOT NULL,
    entered_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, region_code, year)
);

CREATE TABLE region_targets (
    province_code TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    year          INTEGER NOT NULL,
    figure        TEXT NOT NULL,
    target        BIGINT NOT NULL,
    set_by        TEXT NOT NULL,
    set_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, region_code, year, figure)
);

-- +goose Down
DROP TABLE region_targets;
DROP TABLE region_potential;
DROP TABLE dashboard_units;
DROP TABLE dashboard_months;
DROP TABLE dashboard_figures;
DROP TABLE dashboard_builds;
