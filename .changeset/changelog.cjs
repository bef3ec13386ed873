// The changelog lines `changeset version` writes: each changeset as `@changesets/cli/changelog`
// writes it, and the packages of ours a release moves a dependant to in one line, not a line per
// changeset that touched them (with the fixed group, every release of a client repeated each of
// core's changesets as a bare commit hash).
const { default: git } = require("@changesets/cli/changelog");

module.exports = {
  getReleaseLine: git.getReleaseLine,
  async getDependencyReleaseLine(_changesets, dependenciesUpdated) {
    if (dependenciesUpdated.length === 0) return "";
    return `- Updated dependencies: ${dependenciesUpdated.map((d) => `${d.name}@${d.newVersion}`).join(", ")}`;
  },
};
