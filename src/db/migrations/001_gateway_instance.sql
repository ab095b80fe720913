-- The gateway's own store lives in schema csdl_gateway (created by the runner), never in the
-- vendor's qlcb schema. This first table binds a store to one province: a store created for
-- one sender code refuses to serve another, so two provinces can never mix their outboxes.
CREATE TABLE csdl_gateway.gateway_instance (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  sender_code text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
