import type { Express } from "express";
import type { Hub } from "../context.js";

export function mountKiosk(_app: Express, _hub: Hub): void {}
