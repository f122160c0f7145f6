// client.ts — a small client of the Ciclo API written against the types that openapi-typescript
// generates from openapi/openapi.yaml (tools/check-contract.sh writes them to
// build/contract/api.d.ts and compiles a copy of this file beside them). It is compiled with `tsc --strict` in `make test` and never run:
// a schema that a front end could not use (a free-form body, a missing field, a document the
// generator refuses) fails the compile.
import type { components, paths } from "./api";

type Schemas = components["schemas"];

/** The JSON request body of an operation. */
type Body<Op> = Op extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : Op extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

/** The JSON answer of an operation's 200 or 201. */
type Ok<Op> = Op extends { responses: { 200: { content: { "application/json": infer R } } } }
  ? R
  : Op extends { responses: { 201: { content: { "application/json": infer R } } } }
    ? R
    : never;

/** An RFC 9457 problem, as every error answer carries it. */
export class ApiProblem extends Error {
  constructor(readonly problem: Schemas["Problem"]) {
    super(`${problem.status} ${problem.title}: ${problem.detail ?? ""}`);
  }
}

export class Ciclo {
  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly language: "en" | "it" = "en",
  ) {}

  private async call<R>(method: string, path: string, body?: unknown): Promise<R> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token}`,
      Accept: "application/json",
      "Accept-Language": this.language,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new ApiProblem(json as Schemas["Problem"]);
    return json as R;
  }

  createEntity(body: Body<paths["/v1/entities"]["post"]>) {
    return this.call<Ok<paths["/v1/entities"]["post"]>>("POST", "/v1/entities", body);
  }

  createPlan(body: Body<paths["/v1/plans"]["post"]>) {
    return this.call<Ok<paths["/v1/plans"]["post"]>>("POST", "/v1/plans", body);
  }

  addMeasurement(indicator: number, body: Body<paths["/v1/indicators/{id}/measurements"]["post"]>) {
    return this.call<Ok<paths["/v1/indicators/{id}/measurements"]["post"]>>(
      "POST", `/v1/indicators/${indicator}/measurements`, body);
  }

  objectiveScore(objective: number, asOf: string) {
    return this.call<Ok<paths["/v1/objectives/{id}/score"]["get"]>>(
      "GET", `/v1/objectives/${objective}/score?as_of=${encodeURIComponent(asOf)}`);
  }

  evaluationForm(form: number) {
    return this.call<Ok<paths["/v1/evaluation-forms/{id}"]["get"]>>("GET", `/v1/evaluation-forms/${form}`);
  }

  distributeBonus(entity: number, body: Body<paths["/v1/entities/{id}/bonus-distributions"]["post"]>) {
    return this.call<Ok<paths["/v1/entities/{id}/bonus-distributions"]["post"]>>(
      "POST", `/v1/entities/${entity}/bonus-distributions`, body);
  }

  planChecks(plan: number) {
    return this.call<Ok<paths["/v1/plans/{id}/checks"]["get"]>>("GET", `/v1/plans/${plan}/checks`);
  }
}

/** A front end's first screen: an entity, its plan, a measurement, a score and the checks. */
export async function firstScreen(api: Ciclo): Promise<string[]> {
  const entity: Schemas["Entity"] = await api.createEntity({ code: "E1", name: "Comune di Prova", kind: "comune" });
  const plan = await api.createPlan({ entity_id: entity.id, year: 2024, title: "Piano della Performance 2024" });
  const m = await api.addMeasurement(31, { value: 86.5, as_of: "2024-06-30", source: "protocollo" });
  const score = await api.objectiveScore(21, m.as_of);
  const lines = score.indicators.map((i) => `${i.code}: ${i.score ?? "—"} (${i.explanation})`);
  if (score.override !== null) lines.push(`override ${score.override.score} by ${score.override.status}`);
  const checks = await api.planChecks(plan.id);
  for (const f of checks.findings) lines.push(`${f.severity} ${f.code} at ${f.path}: ${f.message}`);
  return lines;
}

/** The evaluation screen: a form's components and, once distributed, what each person gets. */
export async function evaluationScreen(api: Ciclo, form: number, entity: number): Promise<string[]> {
  const f: Schemas["EvaluationForm"] = await api.evaluationForm(form);
  const lines = f.computed.components.map((c) => `${c.component} ${c.weight}%: ${c.score ?? "—"} (${c.explanation})`);
  lines.push(`${f.person_name} ${f.status}: ${f.score ?? "—"}, band ${f.computed.band ?? "none"}`);
  const d = await api.distributeBonus(entity, { year: f.year, role: f.role, fund: 10000 });
  for (const p of d.people) lines.push(`${p.external_id ?? p.person_id}: ${p.bonus.toFixed(2)} € (${p.explanation})`);
  return lines;
}
