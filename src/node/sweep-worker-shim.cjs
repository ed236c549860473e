'use strict';
// What piscina loads in each sweep thread. piscina loads a task file with require() first, and on
// Node 20 a require() of an ES module (the sweep worker is one) goes through require(esm), which
// aborts the whole process, a native assertion in ModuleWrap::CreateRequiredModuleFacade, when the
// thread is terminated while that module is still loading: as a sweep stopped by bad input stops
// its pool while the threads start (seen in CI as SIGABRT, exit 1 instead of 2). This file is
// CommonJS, so require() loads it plainly; it imports the worker through the ES module loader at
// once (so the thread still loads its code while the main thread plans) and hands it each task.
const { workerData } = require('node:worker_threads');

const loading = import(workerData.sweepWorker);
// A failure to load is thrown to the first task, not reported here as an unhandled rejection.
loading.catch(() => {});

module.exports = async function sweepTask(task) {
  return (await loading).default(task);
};
