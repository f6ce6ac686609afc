// Import direction of DESIGN.md §1, checked in CI (`npm run lint:imports`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment: "src/domain holds pure trading rules: it imports no other part of the system",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^src/(runtime|actors|http|storage)/|^src/(cli|config)\\.ts$" }
    },
    {
      name: "runtime-knows-no-trading",
      comment: "src/runtime reaches actors only through its registry; it imports no actor, edge, storage or domain code",
      severity: "error",
      from: { path: "^src/runtime/" },
      to: { path: "^src/(domain|actors|http|storage)/|^src/(cli|config)\\.ts$" }
    },
    {
      name: "actors-use-runtime-and-domain",
      comment: "actors import the runtime and the domain (and storage, for the sink), never the edge",
      severity: "error",
      from: { path: "^src/actors/" },
      to: { path: "^src/http/|^src/cli\\.ts$" }
    },
    {
      name: "edge-uses-protocols-only",
      comment: "the edge imports actor protocols, never behaviours",
      severity: "error",
      from: { path: "^src/http/" },
      to: { path: "^src/actors/", pathNot: "^src/actors/[^/]+/protocol\\.ts$" }
    },
    {
      name: "storage-is-a-leaf",
      comment: "storage is reached from actors (sink) and the edge (read models); it imports neither",
      severity: "error",
      from: { path: "^src/storage/" },
      to: { path: "^src/(runtime|actors|http)/|^src/cli\\.ts$" }
    },
    {
      name: "no-circular",
      comment: "no import cycles at run time (type-only cycles between a structure and its parts are fine)",
      severity: "error",
      from: {},
      to: { circular: true, dependencyTypesNot: ["type-only"] }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] }
  }
}
