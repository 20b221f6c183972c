// Runs an actions/github-script `script:` the way the action does (an async function of
// require, github, context, core), with a recording stand-in for GitHub's REST API.
// Usage: node github_script_harness.js SCRIPT_FILE STATE_JSON  -> prints the calls as JSON.
const fs = require('fs');
const [scriptFile, stateJson] = process.argv.slice(2);
const state = JSON.parse(stateJson);
const calls = [];
const record = (name) => async (params) => { calls.push([name, params]); return { data: {} }; };
const github = {
  paginate: async (method, params) => (await method(params)).data,
  rest: {
    issues: {
      listComments: async (params) => { calls.push(['listComments', params]); return { data: state.comments || [] }; },
      updateComment: record('updateComment'),
      createComment: record('createComment'),
      listLabelsOnIssue: async (params) => { calls.push(['listLabelsOnIssue', params]); return { data: state.labels || [] }; },
      addLabels: record('addLabels'),
      removeLabel: record('removeLabel'),
      listForRepo: async (params) => { calls.push(['listForRepo', params]); return { data: state.issues || [] }; },
      update: record('update'),
      create: record('create'),
    },
    actions: {
      listWorkflowRuns: async (params) => {
        calls.push(['listWorkflowRuns', params]);
        return { data: { workflow_runs: state.runs || [] } };
      },
    },
  },
};
const context = {
  repo: { owner: 'octo', repo: 'voice' }, issue: { number: state.issue || 7 }, payload: state.payload || {},
  serverUrl: 'https://github.com', runId: 99, sha: state.sha || 'feedc0de'.repeat(5),
};
// The step's `env:` (actions/github-script passes it as the process environment).
Object.assign(process.env, state.env || {});
const core = {
  setFailed: (message) => calls.push(['setFailed', message]),
  setOutput: (key, value) => calls.push(['setOutput', key, value]),
};
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const body = fs.readFileSync(scriptFile, 'utf8');
new AsyncFunction('require', 'github', 'context', 'core', body)(require, github, context, core)
  .then(() => process.stdout.write(JSON.stringify(calls)))
  .catch((error) => { console.error(error); process.exit(1); });
