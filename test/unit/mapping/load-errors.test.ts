import { describe, expect, it } from 'vitest';
import { head, issuesOf } from './issues-of.ts';

describe('load-time checks name the file, the line and the path', () => {
  it('unknown keys, at the top and inside a field', () => {
    expect(issuesOf(`source: trata\ntarget: powerchord\ncolour: blue\nfields:\n  ExternalID:\n    from: id\n    form: id\n`)).toEqual([
      'mappings/x.yaml:3: colour: unknown key "colour"',
      'mappings/x.yaml:7: fields.ExternalID.form: unknown key "form"',
    ]);
  });

  it('a source field the source schema does not have', () => {
    expect(issuesOf(`${head}  ExternalID:\n    from: idd\n`)).toEqual([
      'mappings/x.yaml:5: fields.ExternalID.from: source field "idd" is not in trata\'s record schema (known: id, orgId, status, name, email, phoneNumber, externalReference, prospectProps, createdBy, createdAt, updatedBy, updatedAt)',
    ]);
  });

  it('a nested source field, and template placeholders', () => {
    expect(issuesOf(`${head}  Content.ref:\n    from: externalReference[0].idd\n  Content.name:\n    template: "{{nam}} x"\n`)).toEqual([
      'mappings/x.yaml:5: fields["Content.ref"].from: source field "externalReference[0].idd" is not in trata\'s record schema (known: providerName, id, providerProps)',
      'mappings/x.yaml:7: fields["Content.name"].template: source field "nam" is not in trata\'s record schema (known: id, orgId, status, name, email, phoneNumber, externalReference, prospectProps, createdBy, createdAt, updatedBy, updatedAt)',
    ]);
  });

  it('a target field the target schema does not have (at the key\'s line)', () => {
    expect(issuesOf(`${head}  ExternalId:\n    from: id\n`)).toEqual([
      'mappings/x.yaml:4: fields.ExternalId: target field "ExternalId" is not in powerchord\'s write schema (known: Status, ExternalID, Content)',
    ]);
  });

  it('an unknown transform', () => {
    expect(issuesOf(`${head}  Content.email:\n    from: email\n    transforms:\n      - trim\n      - shout\n`)).toEqual([
      'mappings/x.yaml:8: fields["Content.email"].transforms[1]: unknown transform "shout" (known: trim, lowercase, uppercase, splitName, join, truncate, phone, email, date, toNumber, toString, dollarsToCents, centsToDollars, lookup)',
    ]);
  });

  it('bad transform arguments', () => {
    expect(issuesOf(`${head}  Content.phone:\n    from: phoneNumber\n    transforms:\n      - phone: { defaultCountry: XX }\n      - truncate: 0\n      - trim: yes\n`)).toEqual([
      'mappings/x.yaml:7: fields["Content.phone"].transforms[0].phone: bad argument for transform phone: defaultCountry: not a country code libphonenumber knows (e.g. US, GB, DE)',
      'mappings/x.yaml:8: fields["Content.phone"].transforms[1].truncate: bad argument for transform truncate: Too small: expected number to be >=1',
      'mappings/x.yaml:9: fields["Content.phone"].transforms[2]: transform trim takes no argument: write it as `trim`',
    ]);
  });

  it('a transform that cannot take the value it receives, and a value the target cannot take', () => {
    expect(issuesOf('source: trata\ntarget: propexo\nfields:\n  rent_maximum_in_cents:\n    from: name\n  first_name:\n    from: name\n    transforms: [join]\n')).toEqual([
      'mappings/x.yaml:4: fields.rent_maximum_in_cents: produces a string but propexo rent_maximum_in_cents is a number: add a transform (toNumber, toString, join, ...)',
      'mappings/x.yaml:8: fields.first_name.transforms[0]: transform join takes array, but receives a string',
    ]);
  });

  it('a source enum value with no mapping and no default', () => {
    expect(issuesOf(`${head}  Status:\n    from: status\n    statusMap:\n      table:\n        NEW: open\n        NOT_INTERESTED: closedNotInterested\n`)).toEqual([
      'mappings/x.yaml:7: fields.Status.statusMap.table: trata values GENERAL_ENQUIRY, SCHEDULED_CALLBACK_WITH_BOT, SCHEDULED_APPOINTMENT_WITH_PERSON, SCHEDULED_APPOINTMENT_FOR_SERVICE, PRODUCT_ORDER_PLACED, SERVICE_ORDER_PLACED have no mapping, and the statusMap has no default (add one, or reject: true)',
    ]);
  });

  it('a table key that is not a source value, and a default together with reject', () => {
    expect(issuesOf(`${head}  Status:\n    from: status\n    statusMap:\n      table:\n        NEWW: open\n      default: open\n      reject: true\n`)).toEqual([
      'mappings/x.yaml:8: fields.Status.statusMap.table.NEWW: "NEWW" is not a trata value (known: NEW, GENERAL_ENQUIRY, SCHEDULED_CALLBACK_WITH_BOT, SCHEDULED_APPOINTMENT_WITH_PERSON, SCHEDULED_APPOINTMENT_FOR_SERVICE, NOT_INTERESTED, PRODUCT_ORDER_PLACED, SERVICE_ORDER_PLACED)',
      'mappings/x.yaml:10: fields.Status.statusMap.reject: a statusMap has either a default or reject: true, not both',
    ]);
  });

  it('target values outside the target enum: table, default, rank, const, unmapped source enum', () => {
    const allowed = '(allowed: open, contacted, inProgress, onHold, closedWon, closedNotInterested, closedBoughtUsed, closedBoughtOtherBrand)';
    expect(
      issuesOf(`${head}  Status:\n    from: status\n    statusMap:\n      table:\n        NEW: opened\n      default: won\n      rank: [open, [closedWon, reopened]]\n`),
    ).toEqual([
      `mappings/x.yaml:8: fields.Status.statusMap.table.NEW: "opened" is not a powerchord Status value ${allowed}`,
      `mappings/x.yaml:9: fields.Status.statusMap.default: "won" is not a powerchord Status value ${allowed}`,
      `mappings/x.yaml:10: fields.Status.statusMap.rank[1][1]: "reopened" is not a powerchord Status value ${allowed}`,
    ]);
    expect(issuesOf(`${head}  Status:\n    const: won\n`)).toEqual([`mappings/x.yaml:5: fields.Status.const: won is not a powerchord Status value ${allowed}: add a statusMap`]);
    expect(issuesOf(`${head}  Status:\n    from: status\n`)[0]).toMatch(
      /^mappings\/x\.yaml:5: fields\.Status\.from: NEW, GENERAL_ENQUIRY, .* are not powerchord Status values \(allowed: .*\): add a statusMap$/,
    );
  });

  it("a target's required field left unmapped", () => {
    expect(issuesOf('source: overplane\ntarget: trata\nfields:\n  name:\n    from: company\n')).toEqual([
      'mappings/x.yaml:3: fields: trata requires "status", which no field maps',
    ]);
    expect(issuesOf('source: trata\ntarget: overplane\nfields:\n  lead.email:\n    from: email\n')).toEqual([
      'mappings/x.yaml:3: fields: overplane requires "company", which no field maps',
    ]);
  });

  it('a write-only provider as the source, an unknown provider, YAML syntax', () => {
    expect(issuesOf('source: powerchord\ntarget: trata\nfields: {}\n')).toEqual(['mappings/x.yaml:1: source: powerchord is write-only: it cannot be a mapping source']);
    expect(issuesOf('source: hubspot\ntarget: trata\nfields: {}\n')).toEqual([
      'mappings/x.yaml:1: source: unknown provider "hubspot" (known: trata, overplane, propexo, powerchord)',
    ]);
    expect(issuesOf('source: trata\ntarget: powerchord\nfields:\n  Status: [\n')[0]).toMatch(/^mappings\/x\.yaml:\d+: \(root\): YAML: /);
  });

  it('a field with no value source, or two', () => {
    expect(issuesOf(`${head}  ExternalID:\n    transforms: [trim]\n  Content.x:\n    from: id\n    const: 1\n`)).toEqual([
      'mappings/x.yaml:5: fields.ExternalID: a field needs one of from, coalesce, collect, const, template',
      'mappings/x.yaml:7: fields["Content.x"]: a field takes exactly one of from, coalesce, collect, const, template (found from and const)',
    ]);
  });

  it('reports every issue of a file at once, in line order', () => {
    const issues = issuesOf(`source: trata\ntarget: powerchord\nextra: 1\nfields:\n  ExternalID:\n    from: idd\n  Bogus:\n    const: x\n  Content.email:\n    from: email\n    transforms: [shout]\n`);
    expect(issues.map((i) => i.split(': ')[0])).toEqual(['mappings/x.yaml:3', 'mappings/x.yaml:6', 'mappings/x.yaml:7', 'mappings/x.yaml:11']);
  });

  it('a const with transforms', () => {
    expect(issuesOf(`${head}  ExternalID:\n    const: x\n    transforms: [trim]\n`)).toEqual([
      'mappings/x.yaml:6: fields.ExternalID.transforms: a const is written as is: write the final value instead of transforming it',
    ]);
  });

  it('refuses paths that would reach an object prototype', () => {
    expect(issuesOf(`${head}  Content.__proto__:\n    from: id\n`)).toEqual([
      'mappings/x.yaml:4: fields["Content.__proto__"]: "Content.__proto__" is not a target path (write a.b or a[0].b)',
    ]);
  });
});
