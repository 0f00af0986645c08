// A client generated from the served OpenAPI document (openapi-typescript
// types, openapi-fetch calls) runs the main flow against a demo server:
// file anonymously → status with the query code → the window accepts → the
// department's reviewer claims and passes → its approver claims and
// approves → the window issues → the status shows completed. No casts: if
// the document is wrong, this fails to type-check or to run.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Application = components["schemas"]["Application"];

const base = process.argv[2];
if (!base) {
  throw new Error("usage: node dist/main.js http://127.0.0.1:PORT");
}
const password = "demo1234";

function fail(step: string, status: number, error: unknown): never {
  throw new Error(`${step}: ${status} ${JSON.stringify(error)}`);
}

const anonymous = createClient<paths>({ baseUrl: base });

// staff logs a demo account in and returns a client that sends its token.
async function staff(username: string) {
  const { data, error, response } = await anonymous.POST("/api/v1/login", {
    body: { username, password },
  });
  if (!data) fail(`login ${username}`, response.status, error);
  return createClient<paths>({
    baseUrl: base,
    headers: { Authorization: `Bearer ${data.token}` },
  });
}

type Staff = Awaited<ReturnType<typeof staff>>;

async function application(client: Staff, number: string): Promise<Application> {
  const { data, error, response } = await client.GET("/api/v1/applications/{number}", {
    params: { path: { number } },
  });
  if (!data) fail(`read ${number}`, response.status, error);
  return data;
}

function expectState(step: string, app: { state: string }, want: components["schemas"]["State"]) {
  if (app.state !== want) {
    throw new Error(`${step}: state ${app.state}, want ${want}`);
  }
  console.log(`${step}: ${app.state}`);
}

type FormField = components["schemas"]["FormField"];

// answer fills the required fields that are asked unconditionally and that the server does
// not take from the applicant (prefilled ones), with a value of the field's type.
function answer(fields: FormField[]): components["schemas"]["FormAnswers"] {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!f.required || f.visible_if || f.prefill) continue;
    switch (f.type) {
      case "select":
      case "multiselect": {
        const first = f.options?.[0];
        if (!first) throw new Error(`field ${f.key}: no inline options`);
        out[f.key] = f.type === "select" ? first.value : [first.value];
        break;
      }
      case "checkbox":
        out[f.key] = true;
        break;
      case "number":
      case "money":
        out[f.key] = Math.max(1, f.min ?? 1);
        break;
      case "date":
        out[f.key] = "2026-01-05";
        break;
      case "phone":
        out[f.key] = "13800000000";
        break;
      case "email":
        out[f.key] = "applicant@example.com";
        break;
      default:
        out[f.key] = "申请办理本事项，材料已备齐。".padEnd(f.min ?? 0, "。");
    }
  }
  return out;
}

async function main() {
  // A promised (not immediate) item of one department, open to applications.
  const list = await anonymous.GET("/api/v1/items", {
    params: { query: { on_application: true, page_size: 100 } },
  });
  if (!list.data) fail("items", list.response.status, list.error);
  const item = list.data.items.find((it) => !it.immediate && !it.joint);
  if (!item) throw new Error("no single-department promised item in the demo catalogue");

  // The item's application form, answered from its definition.
  const def = await anonymous.GET("/api/v1/items/{code}/form/definition", {
    params: { path: { code: item.code } },
  });
  if (!def.data) fail("form definition", def.response.status, def.error);
  const form = answer(def.data.form.fields);
  // An item that only organisations apply for asks their particulars unconditionally.
  const forOrganisations = def.data.form.fields.some((f) => f.prefill === "credit_code" && !f.visible_if);

  const filed = await anonymous.POST("/api/v1/applications", {
    body: {
      item_code: item.code,
      applicant: {
        ...(forOrganisations
          ? { kind: "organisation", name: "集宁区示例商贸有限公司", id_number: "91150902MA0N3K7T1C" }
          : { kind: "person", name: "张三", id_number: "11010519491231002X" }),
        phone: "13800000000",
        address: "集宁区新华街1号",
      },
      form,
    },
  });
  if (!filed.data) fail("file", filed.response.status, filed.error);
  const { number, query_code: code } = filed.data;
  expectState(`filed ${number} for ${item.code}`, filed.data, "submitted");

  const status = await anonymous.GET("/api/v1/status/{number}", {
    params: { path: { number }, query: { code } },
  });
  if (!status.data) fail("status", status.response.status, status.error);
  expectState("status with the query code", status.data, "submitted");

  const path = { path: { number } };
  const window1 = await staff("window1");
  let app = await application(window1, number);
  // Acceptance follows the materials: the clerk checks every one received.
  const checklist = Object.fromEntries(
    app.materials.map((m) => [m.key, { provided: true, kind: "original" as const, copies: 1 }]),
  );
  const accepted = await window1.POST("/api/v1/applications/{number}/actions/accept", {
    params: path,
    body: { version: app.version, materials: checklist },
  });
  if (!accepted.data) fail("accept", accepted.response.status, accepted.error);
  expectState("window1 accepts", accepted.data, "accepted");

  const reviewer = await staff(`${item.department}.review`);
  app = await application(reviewer, number);
  const claimed = await reviewer.POST("/api/v1/applications/{number}/actions/claim", {
    params: path,
    body: { version: app.version },
  });
  if (!claimed.data) fail("review claim", claimed.response.status, claimed.error);
  const passed = await reviewer.POST("/api/v1/applications/{number}/actions/review_pass", {
    params: path,
    body: { version: claimed.data.version },
  });
  if (!passed.data) fail("review_pass", passed.response.status, passed.error);
  expectState("the reviewer passes", passed.data, "in_review");

  const approver = await staff(`${item.department}.approve`);
  app = await application(approver, number);
  const taken = await approver.POST("/api/v1/applications/{number}/actions/claim", {
    params: path,
    body: { version: app.version },
  });
  if (!taken.data) fail("decide claim", taken.response.status, taken.error);
  const approved = await approver.POST("/api/v1/applications/{number}/actions/approve", {
    params: path,
    body: { version: taken.data.version, comment: "符合条件" },
  });
  if (!approved.data) fail("approve", approved.response.status, approved.error);
  expectState("the approver approves", approved.data, "approved");

  const issued = await window1.POST("/api/v1/applications/{number}/actions/issue", {
    params: path,
    body: { version: approved.data.version, delivery: "window", result_number: `CI-${number}` },
  });
  if (!issued.data) fail("issue", issued.response.status, issued.error);
  expectState("window1 issues", issued.data, "completed");

  const done = await anonymous.GET("/api/v1/status/{number}", {
    params: { path: { number }, query: { code } },
  });
  if (!done.data) fail("final status", done.response.status, done.error);
  expectState("status with the query code", done.data, "completed");
  if (done.data.result !== "approved") {
    throw new Error(`result ${String(done.data.result)}, want approved`);
  }
}

main().then(
  () => console.log("client flow passed"),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
