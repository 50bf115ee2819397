import { benchQuick } from "../support/bench-quick.ts";

benchQuick("deno");
