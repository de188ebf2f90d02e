"use strict";
const demo = require("../../../scripts/demo");
const { signShopifyBody } = require("../../../scripts/lib/shopify-delivery");

describe("scripts/demo.js helpers", () => {
  test("sign() matches the public Shopify HMAC vector", () => {
    expect(demo.sign("test_secret_key", '{"foo": "bar"}')).toBe(
      "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=",
    );
    expect(demo.sign("test_secret_key", Buffer.from('{"foo": "bar"}'))).toBe(
      "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=",
    );
  });

  test("maskEmail() never shows the full address", () => {
    expect(demo.maskEmail("customer@example.com")).toBe("c***@example.com");
    expect(demo.maskEmail("a@b.co")).toBe("a***@b.co");
    expect(demo.maskEmail("not-an-email")).toBe("n***");
    expect(demo.maskEmail(null)).toBe("");
    expect(demo.maskEmail("")).toBe("");
  });

  test("profileLabel() masks phones too", () => {
    expect(demo.profileLabel({ email: "jane@example.com" })).toBe(
      "j***@example.com",
    );
    const phone = demo.profileLabel({ phone_number: "+15551234567" });
    expect(phone).not.toContain("5551234");
    expect(phone.endsWith("67")).toBe(true);
    expect(demo.profileLabel({ external_id: "42" })).toBe("external_id 42");
  });

  test("formatTable() pads columns, right-aligns on request and truncates long cells", () => {
    const out = demo.formatTable(
      ["metric", "value"],
      [
        ["Placed Order", "99.99 USD"],
        ["Refunded Order", "5 USD"],
        { metric: "x".repeat(60), value: null },
      ],
      { indent: "", maxWidth: 20, align: { 1: "right" } },
    );
    const lines = out.split("\n");
    expect(lines[0]).toBe("metric                    value");
    expect(lines[1]).toBe("--------------------  ---------");
    expect(lines[2]).toBe("Placed Order          99.99 USD");
    expect(lines[3]).toBe("Refunded Order            5 USD");
    expect(lines[4]).toBe(`${"x".repeat(19)}…`);
  });

  test("samples(): one per topic, stable event ids, a forged delivery, redact of a different person", () => {
    const a = demo.samples({ shop: "a.myshopify.com" });
    const b = demo.samples({ shop: "a.myshopify.com" });
    expect(a.map((s) => s.topic)).toEqual([
      "customers/create",
      "orders/create",
      "orders/updated",
      "orders/cancelled",
      "refunds/create",
      "checkouts/create",
      "customers_email_marketing_consent/update",
      "customers/redact",
      "orders/create",
    ]);
    expect(a.map((s) => s.eventId)).toEqual(b.map((s) => s.eventId));
    expect(new Set(a.map((s) => s.eventId)).size).toBe(a.length);
    expect(a.filter((s) => s.forged).map((s) => s.expectStatus)).toEqual([401]);
    const byTopic = Object.fromEntries(
      a.filter((s) => !s.forged).map((s) => [s.topic, s.payload]),
    );
    expect(byTopic["orders/updated"].fulfillment_status).toBe("fulfilled");
    expect(byTopic["orders/cancelled"].cancelled_at).toBeTruthy();
    expect(byTopic["refunds/create"].order_id).toBe(
      byTopic["orders/create"].id,
    );
    expect(byTopic["customers/redact"].customer.email).not.toBe(
      byTopic["customers/create"].email,
    );
    expect(byTopic["customers/redact"].shop_domain).toBe("a.myshopify.com");
  });

  test("deliveryHeaders() signs the raw bytes like Shopify; forged ones do not verify", () => {
    const [customer] = demo.samples();
    const forged = demo.samples().find((s) => s.forged);
    const raw = Buffer.from(JSON.stringify(customer.payload));
    const h = demo.deliveryHeaders({
      sample: customer,
      rawBody: raw,
      secret: "s3cret",
      shop: "x.myshopify.com",
    });
    expect(h["X-Shopify-Hmac-Sha256"]).toBe(
      signShopifyBody("s3cret", raw),
    );
    expect(h["X-Shopify-Topic"]).toBe("customers/create");
    expect(h["X-Shopify-API-Version"]).toBe("2026-10");
    expect(h["X-Shopify-Event-Id"]).toBe(customer.eventId);
    expect(h["X-Shopify-Webhook-Id"]).toMatch(/^[0-9a-f-]{36}$/);
    const fh = demo.deliveryHeaders({
      sample: forged,
      rawBody: raw,
      secret: "s3cret",
      shop: "x.myshopify.com",
    });
    expect(fh["X-Shopify-Hmac-Sha256"]).not.toBe(demo.sign("s3cret", raw));
  });

  test("demoConfig() follows npm start: defaults, local KLAVIYO_API_URL, real Klaviyo", () => {
    const d = demo.demoConfig({});
    expect(d).toMatchObject({
      secret: "demo-webhook-secret",
      shop: "demo-store.myshopify.com",
      port: 5678,
      sandboxUrl: "http://127.0.0.1:5680",
    });
    expect(
      demo.demoConfig({ N8N_PORT: "5710", KLAVIYO_SANDBOX_PORT: "5711" }),
    ).toMatchObject({
      webhookUrl: "http://127.0.0.1:5710/webhook/shopify",
      sandboxUrl: "http://127.0.0.1:5711",
    });
    expect(
      demo.demoConfig({ KLAVIYO_API_URL: "http://localhost:9000/" }).sandboxUrl,
    ).toBe("http://localhost:9000");
    expect(demo.demoConfig({ KLAVIYO_PRIVATE_API_KEY: "pk_x" })).toMatchObject({
      sandboxUrl: null,
      realKlaviyo: true,
    });
  });

  test("parseArgs() and requestDelta()", () => {
    expect(demo.parseArgs([])).toEqual({ repeat: 1, help: false });
    expect(demo.parseArgs(["--repeat", "3"]).repeat).toBe(3);
    expect(demo.parseArgs(["--repeat=2"]).repeat).toBe(2);
    expect(() => demo.parseArgs(["--repeat", "x"])).toThrow(/--repeat/);
    expect(() => demo.parseArgs(["--nope"])).toThrow(/unknown option/);
    expect(
      demo.requestDelta(
        { "POST /api/events": { 202: 1 } },
        { "POST /api/events": { 202: 3, 400: 1 } },
      ),
    ).toEqual([
      { route: "POST /api/events", status: 202, count: 2 },
      { route: "POST /api/events", status: 400, count: 1 },
    ]);
  });

  test("expectedUniqueIds() takes the built mapper's recipe: mapping the samples yields exactly those ids", () => {
    const { mapDelivery } = require("../../../dist/nodes/ShopifyToKlaviyo/mapping");
    const list = demo.samples();
    const produced = new Set(
      list
        .filter((s) => !s.forged)
        .flatMap((s) => mapDelivery({ topic: s.topic, payload: s.payload }).requests)
        .map((r) => r.body.data.attributes.unique_id)
        .filter(Boolean),
    );
    const expected = demo.expectedUniqueIds(list);
    expect(expected).toHaveLength(5);
    for (const id of expected) expect(produced.has(id)).toBe(true);
    expect(demo.missingUniqueIds({ events: expected.map((unique_id) => ({ unique_id })) })).toEqual([]);
  });
});
