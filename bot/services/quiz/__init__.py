"""逢查必考: quizzes, spot checks, retraining and their statistics."""
