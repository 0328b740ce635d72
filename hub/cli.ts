// Replaced by the local hub (issue 3).
console.log(JSON.stringify({ error: "the local hub is not built yet" }));
process.exit(1);
