-- +goose Up
-- Supplier master data (供应商): who may be ordered from, their grade and whether they are a
-- designated strategic supplier, with an audit row for every change.
CREATE TABLE suppliers (
    id            text PRIMARY KEY CHECK (id ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    name          text NOT NULL CHECK (name <> ''),
    kind          text NOT NULL CHECK (kind IN ('manufacturer', 'distributor')),
    status        text NOT NULL CHECK (status IN ('admitted', 'suspended')),
    status_reason text NOT NULL DEFAULT '',
    grade         text NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
    strategic     boolean NOT NULL DEFAULT false,
    contact       text NOT NULL DEFAULT '',
    revision      integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX suppliers_name ON suppliers (lower(name));

-- Licences and certificates (营业执照, 生产许可证, 合格证), valid from/to both days included,
-- with the scanned document as an attachment.
CREATE TABLE supplier_certificates (
    id            bigserial PRIMARY KEY,
    supplier_id   text NOT NULL REFERENCES suppliers(id),
    kind          text NOT NULL CHECK (kind IN ('business_license', 'production_license', 'quality_certificate')),
    number        text NOT NULL CHECK (number <> ''),
    valid_from    date NOT NULL,
    valid_to      date NOT NULL,
    attachment_id text REFERENCES attachments(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_to >= valid_from),
    UNIQUE (supplier_id, kind, number)
);
CREATE INDEX supplier_certificates_supplier ON supplier_certificates (supplier_id, kind, valid_to DESC);

CREATE TABLE supplier_audit (
    id          bigserial PRIMARY KEY,
    supplier_id text NOT NULL REFERENCES suppliers(id),
    actor_id    text NOT NULL,
    action      text NOT NULL, -- created, updated, suspended, admitted, certificate_added
    detail      jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX supplier_audit_supplier ON supplier_audit (supplier_id, at DESC);

-- Materials (物料), the plans that allow buying them, and the stock on hand.
CREATE TABLE materials (
    id             text PRIMARY KEY,
    name           text NOT NULL,
    spec           text NOT NULL,
    unit           text NOT NULL,
    category       text NOT NULL,
    strategic      boolean NOT NULL DEFAULT false,
    key_material   boolean NOT NULL DEFAULT false,
    expiry_tracked boolean NOT NULL DEFAULT false
);

CREATE TABLE stock (
    material_id text PRIMARY KEY REFERENCES materials(id),
    on_hand     bigint NOT NULL CHECK (on_hand >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE purchase_plans (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    department_id text NOT NULL,
    year          integer NOT NULL
);

CREATE TABLE plan_lines (
    plan_id     text NOT NULL REFERENCES purchase_plans(id),
    material_id text NOT NULL REFERENCES materials(id),
    quantity    bigint NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (plan_id, material_id)
);

-- A purchase request (PR-…) is a case; these are its procurement facts. The contract document
-- is one of the case's attachments.
CREATE TABLE purchase_requests (
    case_id                text PRIMARY KEY REFERENCES cases(id),
    supplier_id            text NOT NULL REFERENCES suppliers(id),
    plan_id                text NOT NULL REFERENCES purchase_plans(id),
    delivery_date          date NOT NULL,
    requested_on           date NOT NULL, -- the day the supplier and plan checks were made for
    contract_no            text NOT NULL,
    contract_terms         jsonb NOT NULL DEFAULT '{}',
    contract_attachment_id text REFERENCES attachments(id)
);
CREATE INDEX purchase_requests_plan ON purchase_requests (plan_id);
CREATE INDEX purchase_requests_supplier ON purchase_requests (supplier_id);

CREATE TABLE purchase_items (
    case_id      text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    line_no      integer NOT NULL,
    material_id  text NOT NULL REFERENCES materials(id),
    spec         text NOT NULL,
    quantity     bigint NOT NULL CHECK (quantity > 0),
    unit         text NOT NULL,
    unit_price   bigint NOT NULL CHECK (unit_price > 0),
    manufacturer text NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, line_no)
);
CREATE INDEX purchase_items_material ON purchase_items (material_id);

-- A certificate's scan is an upload linked to no case; keep it from the stale-upload sweep.
-- (linked_at is set when a certificate takes it.)
CREATE INDEX supplier_certificates_attachment ON supplier_certificates (attachment_id)
    WHERE attachment_id IS NOT NULL;

-- +goose Down
DROP TABLE purchase_items, purchase_requests, plan_lines, purchase_plans, stock, materials,
    supplier_audit, supplier_certificates, suppliers;
