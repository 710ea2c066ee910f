"""The application, free of Textual: sessions and their controllers, sends, questions, budgets, drafts, export."""
