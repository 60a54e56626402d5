-- +goose Up
-- A case may belong to another: a receipt (GR-…) and an order's payment (PAY-…) belong to the
-- purchase request they buy for. Conditions switch on chain steps with a matching "when"
-- (a payment after a failed three-way match has its exception review).
ALTER TABLE cases ADD COLUMN parent_id text REFERENCES cases(id);
ALTER TABLE cases ADD COLUMN conditions text[] NOT NULL DEFAULT '{}';
CREATE INDEX cases_parent ON cases (parent_id) WHERE parent_id IS NOT NULL;

-- A purchase order (PO-…), issued when its request's countersign completes. Its workflow owns
-- it; state is that workflow's snapshot (lines received, invoice, match), written forward only.
CREATE TABLE purchase_orders (
    id          text PRIMARY KEY,
    case_id     text NOT NULL UNIQUE REFERENCES cases(id),
    supplier_id text NOT NULL REFERENCES suppliers(id),
    status      text NOT NULL CHECK (status IN ('ordered', 'received', 'settling', 'paid')),
    amount      bigint NOT NULL CHECK (amount > 0),
    state       jsonb NOT NULL,
    seq         integer NOT NULL DEFAULT 0,
    issued_at   timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    closed_at   timestamptz
);
CREATE INDEX purchase_orders_status ON purchase_orders (status, issued_at DESC);

-- One delivery as the keeper found it: every line with its verdict. The accepted lines form a
-- receipt case that needs the keeper's and the accountant's seals; the refused ones each start
-- a return task.
CREATE TABLE deliveries (
    id            text PRIMARY KEY,
    order_id      text NOT NULL REFERENCES purchase_orders(id),
    receipt_id    text REFERENCES cases(id),
    delivered_on  date NOT NULL,
    note_no       text NOT NULL,
    invoice_no    text NOT NULL DEFAULT '',
    lines         jsonb NOT NULL,
    registered_by text NOT NULL REFERENCES users(id),
    registered_at timestamptz NOT NULL DEFAULT now(),
    outcome       text NOT NULL DEFAULT '' CHECK (outcome IN ('', 'accepted', 'refused'))
);
CREATE INDEX deliveries_order ON deliveries (order_id, registered_at);
CREATE UNIQUE INDEX deliveries_receipt ON deliveries (receipt_id) WHERE receipt_id IS NOT NULL;

-- Return or exchange (退换货) of refused goods, for a buyer to settle with the supplier.
CREATE TABLE return_tasks (
    id          bigserial PRIMARY KEY,
    order_id    text NOT NULL REFERENCES purchase_orders(id),
    delivery_id text NOT NULL REFERENCES deliveries(id),
    line_no     integer NOT NULL,
    quantity    bigint NOT NULL CHECK (quantity > 0),
    reasons     jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    resolution  text NOT NULL DEFAULT '',
    resolved_by text REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    UNIQUE (delivery_id, line_no)
);
CREATE INDEX return_tasks_open ON return_tasks (status, created_at) WHERE status = 'open';

-- The supplier's invoice for an order, by order line.
CREATE TABLE order_invoices (
    order_id      text NOT NULL REFERENCES purchase_orders(id),
    invoice_no    text NOT NULL,
    invoiced_on   date NOT NULL,
    lines         jsonb NOT NULL,
    total         bigint NOT NULL CHECK (total > 0),
    registered_by text NOT NULL REFERENCES users(id),
    registered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, invoice_no)
);

-- +goose Down
DROP TABLE order_invoices, return_tasks, deliveries, purchase_orders;
ALTER TABLE cases DROP COLUMN conditions, DROP COLUMN parent_id;
