#!/usr/bin/env node
// The published CLI runs the compiled code, so Node needs no TypeScript loader.
import "../dist/cli/main.js";
