/** electron-builder.yml cannot be built here (no Electron binary); it is checked against electron-builder's own schema. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, "..", "..");
const config = parse(readFileSync(join(ROOT, "electron-builder.yml"), "utf8")) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  deb: { depends: string[] };
};

describe("electron-builder.yml", () => {
  it("is valid against electron-builder's schema", () => {
    const schema = JSON.parse(readFileSync(require.resolve("app-builder-lib/scheme.json"), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it("rejects a misspelt key (the check has teeth)", () => {
    const schema = JSON.parse(readFileSync(require.resolve("app-builder-lib/scheme.json"), "utf8"));
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(schema);
    expect(validate({ ...config, appid: "x" })).toBe(false);
  });

  it("targets AppImage and deb, dmg, nsis; asar on; the security fuses off", () => {
    expect(config.linux.target).toEqual(["AppImage", "deb"]);
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, grantFileProtocolExtraPrivileges: false });
  });

  it("keeps electron-builder's default deb dependencies when naming libsecret (naming any replaces the list)", () => {
    for (const d of ["libgtk-3-0", "libnss3", "libxss1", "libsecret-1-0"]) expect(config.deb.depends).toContain(d);
  });
});
