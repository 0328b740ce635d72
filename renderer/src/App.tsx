export function App() {
  return (
    <main>
      <h1>CoCalc Desktop</h1>
    </main>
  );
}
