/**
 * `npm run workflows`: what each recommended workflow asks a builder to click and what a run costs, from
 * the definitions (app/app.ts); the last line is the session set's.
 */
import { APP } from "../app/app.js";
import { countsReport } from "./workflows-guide.js";

console.log(countsReport(APP));
